"""The Terraform in infra/, checked offline: no provider, no schema, no cloud project.

Each test pins a fact a wrong deploy would otherwise only reveal in production: a function
built from the wrong entry point, a secret the code never reads, THREADS out of step with
the request concurrency, an admin function open to the internet, more database connections
than the database accepts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from common.config import REPO_ROOT, Settings
from common.handoff.events import EventStream
from tests.infra.terraform import INFRA_DIR, TerraformConfig, only, parse_file, strings, unwrap

FUNCTION_NAMES = sorted(p.parent.name for p in (REPO_ROOT / "functions").glob("*/main.py"))
REQUIRED_SECRETS = {
    "GEMINI_API_KEY",
    "DATABASE_URL",
    "ADMIN_TOKEN",
    "CONVERSATION_TOKEN_SECRET",
    "WEBHOOK_SECRET",
}
PUBLIC_FUNCTIONS = {"chat_stream", "history"}
SETTINGS_ENV_NAMES = {name.upper() for name in Settings.model_fields}
FUNCTION = ("google_cloudfunctions2_function", "function")


@pytest.fixture(scope="module")
def tf() -> TerraformConfig:
    """infra/ parsed once for the module."""
    return TerraformConfig.load()


def function_locals(tf: TerraformConfig) -> dict[str, dict[str, Any]]:
    return tf.locals["functions"]


def test_every_tf_file_parses() -> None:
    paths = sorted(INFRA_DIR.rglob("*.tf"))
    assert len(paths) >= 8
    for path in paths:
        assert parse_file(path), f"{path.name} parsed to nothing"


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary on PATH")
def test_terraform_fmt_finds_nothing_to_change() -> None:
    result = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", str(INFRA_DIR)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_providers_are_pinned(tf: TerraformConfig) -> None:
    providers: dict[str, Any] = {}
    for block in tf.terraform:
        for required in block.get("required_providers", []):
            providers.update(required)
    assert "google" in providers
    for name, spec in providers.items():
        assert spec.get("source"), f"provider {name} has no source"
        assert re.search(r"\d", spec.get("version", "")), f"provider {name} has no version constraint"


def test_one_function_resource_deploys_every_function_folder(tf: TerraformConfig) -> None:
    assert list(tf.of_type("google_cloudfunctions2_function")) == ["function"]
    body = tf.resources[FUNCTION]
    assert body["for_each"] == "${local.functions}"
    assert sorted(function_locals(tf)) == FUNCTION_NAMES
    build = only(body["build_config"])
    assert build["entry_point"] == "${each.key}"
    assert build["runtime"] == "python312"
    storage = only(only(build["source"])["storage_source"])
    assert storage["object"] == "${google_storage_bucket_object.source[each.key].name}"
    # One source zip per function folder, named after it (dist/<name>.zip).
    assert tf.resources[("google_storage_bucket_object", "source")]["for_each"] == "${local.functions}"


def test_every_referenced_variable_is_declared(tf: TerraformConfig) -> None:
    referenced: set[str] = set()
    for parsed in tf.files.values():
        for text in strings(parsed):
            referenced |= set(re.findall(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)", text))
    undeclared = referenced - set(tf.variables)
    assert not undeclared, f"undeclared variables: {sorted(undeclared)}"
    unused = set(tf.variables) - referenced
    assert not unused, f"declared but never used: {sorted(unused)}"


def test_every_referenced_local_resource_and_data_source_exists(tf: TerraformConfig) -> None:
    locals_used: set[str] = set()
    resources_used: set[tuple[str, str]] = set()
    data_used: set[tuple[str, str]] = set()
    for parsed in tf.files.values():
        for text in strings(parsed):
            if "${" not in text:
                continue
            locals_used |= set(re.findall(r"\blocal\.([A-Za-z_][A-Za-z0-9_]*)", text))
            resources_used |= set(re.findall(r"(?<![\w.])(google_[a-z0-9_]+)\.([a-z_][a-z0-9_-]*)", text))
            data_used |= set(re.findall(r"\bdata\.(google_[a-z0-9_]+)\.([a-z_][a-z0-9_-]*)", text))
    assert locals_used - set(tf.locals) == set()
    assert resources_used - set(tf.resources) == set()
    assert data_used - set(tf.data) == set()


def test_every_variable_is_described_and_typed(tf: TerraformConfig) -> None:
    for name, body in tf.variables.items():
        assert body.get("description"), f"variable {name} has no description"
        assert body.get("type"), f"variable {name} has no type"


def test_every_variable_is_in_the_deploy_guide(tf: TerraformConfig) -> None:
    guide = (REPO_ROOT / "infra" / "README.md").read_text()
    assert [name for name in tf.variables if f"`{name}`" not in guide] == []


def test_secret_names_are_what_the_code_reads(tf: TerraformConfig) -> None:
    per_function = {name: set(f["secrets"]) for name, f in function_locals(tf).items()}
    used = set().union(*per_function.values())
    assert used == REQUIRED_SECRETS
    assert used <= SETTINGS_ENV_NAMES, f"secrets the code never reads: {sorted(used - SETTINGS_ENV_NAMES)}"
    assert all("DATABASE_URL" in names for names in per_function.values())
    # Each reads the key: history's warm start tells the page whether the model answers (it
    # said "the knowledge base" in production without it), policies' Try it asks the model.
    assert all("GEMINI_API_KEY" in names for names in per_function.values())
    assert "ADMIN_TOKEN" not in per_function["chat_stream"] | per_function["history"]


def test_each_function_gets_its_secrets_as_environment_variables(tf: TerraformConfig) -> None:
    service = only(tf.resources[FUNCTION]["service_config"])
    dynamic = only([d for d in service.get("dynamic", []) if "secret_environment_variables" in d])
    block = dynamic["secret_environment_variables"]
    assert block["for_each"] == "${toset(each.value.secrets)}"
    content = only(block["content"])
    assert content["key"] == "${secret_environment_variables.value}"
    assert content["secret"] == (
        "${data.google_secret_manager_secret.app[secret_environment_variables.value].secret_id}"
    )
    assert content["version"] == "latest"


def test_plain_environment_is_read_by_the_code_and_holds_no_secret(tf: TerraformConfig) -> None:
    env = tf.locals["common_env"]
    assert {"GEMINI_MODEL", "ALLOWED_ORIGINS", "POLICY_CACHE_TTL_SECONDS", "THREADS"} <= set(env)
    assert set(env) <= SETTINGS_ENV_NAMES
    assert not set(env) & REQUIRED_SECRETS
    assert "local.site_url" in env["ALLOWED_ORIGINS"]
    assert "var.extra_allowed_origins" in env["ALLOWED_ORIGINS"]


def test_the_handoff_settings_reach_every_function_only_when_set(tf: TerraformConfig) -> None:
    expression = str(tf.locals["handoff_env"])
    names = set(re.findall(r"\b([A-Z][A-Z_]+)\s*=", expression))
    assert names == {"HANDOFF_WEBHOOK_URL", "SUPPORT_HOURS", "SUPPORT_TIMEZONE", "CONSOLE_URL"}
    assert names <= SETTINGS_ENV_NAMES
    assert 'if value != ""' in expression  # empty: the app's own default, not an empty setting
    for name in ("handoff_webhook_url", "support_hours", "support_timezone"):
        assert tf.variables[name]["default"] == ""
    # Webhook events link to the console the site serves (web/admin/ at /admin/).
    assert re.search(r"CONSOLE_URL\s*=\s*.*local\.site_url.*/admin/", expression)


def test_deployed_functions_trust_exactly_cloud_runs_front_end(tf: TerraformConfig) -> None:
    # Set explicitly: the local default may differ, production must not depend on it.
    assert tf.locals["common_env"]["TRUSTED_PROXY_COUNT"] == "1"
    assert Settings.model_fields["trusted_proxy_count"].annotation is int


def test_every_vcpu_runs_a_worker_that_can_hold_every_stream_of_the_instance(tf: TerraformConfig) -> None:
    service = only(tf.resources[FUNCTION]["service_config"])
    # Every function gets the common variables, the handoff's, plus its own (IAP_AUDIENCE on policies).
    assert service["environment_variables"] == "${merge(local.common_env, local.handoff_env, each.value.env)}"
    env = tf.locals["common_env"]
    assert unwrap(env["WORKERS"]) == "local.workers"
    assert "var.cpu" in tf.locals["workers"]
    # gunicorn gives a connection to whichever worker accepts it: each worker's THREADS is the
    # instance's whole concurrency, so no stream ever waits for a thread.
    assert unwrap(env["THREADS"]) == "local.threads"
    assert tf.resolve("${local.threads}") == tf.resolve(service["max_instance_request_concurrency"])
    concurrency = tf.locals[unwrap(service["max_instance_request_concurrency"]).split(".", 1)[1]]
    assert "var.streams_per_vcpu" in concurrency
    assert "local.workers" in concurrency
    assert isinstance(tf.variables["streams_per_vcpu"]["default"], int)
    assert {"WORKERS", "THREADS"} <= SETTINGS_ENV_NAMES


def test_with_iap_the_console_function_checks_the_assertions_audience(tf: TerraformConfig) -> None:
    env = function_locals(tf)["policies"]["env"]
    assert "IAP_AUDIENCE" in env and "local.console_iap_audience" in env
    assert "IAP_AUDIENCE" in SETTINGS_ENV_NAMES
    assert function_locals(tf)["chat_stream"]["env"] == {}


def test_the_retention_job_finds_retention_on_in_the_console_function(tf: TerraformConfig) -> None:
    """The Scheduler job calls ``POST /_retention``, which answers 409 ``retention_off`` unless
    the function itself has RETENTION_DAYS."""
    env = function_locals(tf)["policies"]["env"]
    assert "RETENTION_DAYS" in env and "tostring(var.retention_days)" in env
    assert "RETENTION_DAYS" in SETTINGS_ENV_NAMES
    assert "var.retention_days" in tf.locals["console_retention"]


def test_each_function_has_a_whole_cpu_and_instance_bounds(tf: TerraformConfig) -> None:
    service = only(tf.resources[FUNCTION]["service_config"])
    assert float(tf.resolve(service["available_cpu"])) >= 1
    assert tf.resolve(service["available_memory"])
    assert service["max_instance_count"] == "${var.max_instances}"
    assert service["min_instance_count"] == "${each.value.min_instances}"
    assert function_locals(tf)["policies"]["min_instances"] == 0
    assert service["service_account_email"] == '${data.google_service_account.app["runtime"].email}'


def test_chat_stream_outlives_the_longest_answer(tf: TerraformConfig) -> None:
    timeout = tf.resolve(function_locals(tf)["chat_stream"]["timeout_seconds"])
    deadline = tf.resolve("${" + unwrap(tf.locals["common_env"]["ANSWER_DEADLINE_SECONDS"]) + "}")
    assert deadline == tf.variables["answer_deadline_seconds"]["default"]
    assert timeout > deadline >= Settings.model_fields["answer_deadline_seconds"].default
    assert timeout <= 3600


def test_history_outlives_the_longest_live_events_stream(tf: TerraformConfig) -> None:
    """A page's /history/events stream ends on its own (the page reconnects), not cut by Cloud Run."""
    timeout = tf.resolve(function_locals(tf)["history"]["timeout_seconds"])
    assert timeout > EventStream.__dataclass_fields__["max_seconds"].default
    assert timeout <= 3600


def test_only_the_shopper_functions_are_public_and_only_with_all_users(tf: TerraformConfig) -> None:
    public_flags = {name: f["public"] for name, f in function_locals(tf).items()}
    assert {name for name, public in public_flags.items() if public} == PUBLIC_FUNCTIONS
    members = tf.of_type("google_cloud_run_v2_service_iam_member")
    assert set(members) == {"public", "admins"}
    for body in members.values():
        assert body["role"] == "roles/run.invoker"
        assert body["name"] == "${google_cloudfunctions2_function.function[each.key].name}"
    public = members["public"]
    assert public["member"] == "allUsers"
    assert 'var.public_access == "allUsers"' in public["for_each"]
    assert "if f.public" in public["for_each"]
    admins = members["admins"]
    assert admins["member"] == "group:${var.admin_group}"
    assert "if !f.public" in admins["for_each"]


def test_public_access_has_an_alternative_to_all_users(tf: TerraformConfig) -> None:
    variable = tf.variables["public_access"]
    assert variable["default"] == "allUsers"
    condition = only(variable["validation"])["condition"]
    assert '"allUsers"' in condition and '"invoker_check_disabled"' in condition
    # Without allUsers no public bucket exists: the site resources all hang on local.site.
    assert tf.locals["host_site"] == '${var.public_access == "allUsers"}'
    for (kind, name), body in tf.resources.items():
        if kind.startswith("google_compute_") or (kind, name) in {
            ("google_storage_bucket", "site"),
            ("google_storage_bucket_iam_member", "site_public"),
        }:
            guard = str(body.get("count") or body.get("for_each"))
            assert re.search(r"local\.(site|site_https|host_site)\b", guard), f"{kind}.{name}"
    assert tf.outputs["public_services"] and tf.outputs["public_access"]


def test_an_extra_origin_must_be_one_a_browser_sends(tf: TerraformConfig) -> None:
    """The functions refuse to start with an origin that has a path: plan says so first."""
    condition = only(tf.variables["extra_allowed_origins"]["validation"])["condition"]
    quoted = re.search(r'regex\("((?:[^"\\]|\\.)*)"', condition)
    assert quoted is not None, condition
    pattern = re.compile(quoted.group(1).replace("\\\\", "\\"))  # HCL's escapes, as Terraform reads them

    for origin in ("https://shop.example", "http://localhost:8080", "https://www.shop.example/"):
        assert pattern.search(origin), origin
    for origin in ("https://shop.example/chat", "shop.example", "https://a.example,https://b.example"):
        assert not pattern.search(origin), origin
    assert 'o == "*"' in condition


def test_cpu_takes_only_what_cloud_run_allocates_and_memory_its_range(tf: TerraformConfig) -> None:
    condition = only(tf.variables["cpu"]["validation"])["condition"]
    allowed = re.search(r"contains\(\[([^\]]*)\], var\.cpu\)", condition)
    assert allowed is not None, condition
    assert re.findall(r'"(\d+)"', allowed.group(1)) == ["1", "2", "4", "6", "8"]
    memory = [
        c["condition"]
        for c in only(tf.resources[FUNCTION]["lifecycle"])["precondition"]
        if "memory_mib" in c["condition"]
    ]
    assert any("local.memory_mib <= 4096 * tonumber(var.cpu)" in c for c in memory)


@pytest.mark.parametrize("root", [INFRA_DIR, INFRA_DIR / "bootstrap"], ids=["infra", "bootstrap"])
def test_a_name_prefix_ends_as_an_image_repository_name_must(root: Path) -> None:
    config = TerraformConfig.load(root)
    condition = only(config.variables["name_prefix"]["validation"])["condition"]
    quoted = re.search(r'regex\("((?:[^"\\]|\\.)*)"', condition)
    assert quoted is not None, condition
    pattern = re.compile(quoted.group(1).replace("\\\\", "\\"))

    for prefix in ("support-chat", "acme", "shop-2"):
        assert pattern.search(prefix), prefix
    for prefix in ("support-chat-", "ab", "2shop", "Shop", "a" * 21):
        assert not pattern.search(prefix), prefix


def test_the_retention_job_waits_as_long_as_the_function_may_run(tf: TerraformConfig) -> None:
    job = tf.resources[("google_cloud_scheduler_job", "console_retention")]
    timeout = tf.resolve(function_locals(tf)["policies"]["timeout_seconds"])
    assert int(job["attempt_deadline"].rstrip("s")) > timeout


def _references(body: Any) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for text in strings(body):
        found |= set(re.findall(r"(?<![\w.])(google_[a-z0-9_]+)\.([a-z_][a-z0-9_-]*)", text))
    return found


def _reaches(tf: TerraformConfig, target: tuple[str, str]) -> set[tuple[str, str]]:
    """Resources that depend on target, directly or through another resource."""
    reached = {target}
    changed = True
    while changed:
        changed = False
        for key, body in tf.resources.items():
            if key not in reached and _references(body) & reached:
                reached.add(key)
                changed = True
    return reached - {target}


def test_every_resource_waits_for_its_api(tf: TerraformConfig) -> None:
    apis = ("google_project_service", "apis")
    waiting = _reaches(tf, apis)
    # IAM bindings on resources that themselves wait are fine; everything else must wait.
    missing = sorted(f"{k}.{n}" for (k, n) in tf.resources if (k, n) != apis and (k, n) not in waiting)
    assert not missing, f"created without depending on the API enablement: {missing}"


def test_certificate_is_replaced_before_it_is_destroyed(tf: TerraformConfig) -> None:
    certificate = tf.resources[("google_compute_managed_ssl_certificate", "site")]
    assert only(certificate["lifecycle"])["create_before_destroy"] is True
    # Two certificates coexist during a replacement, so the name must change with the domain.
    assert "var.domain" in certificate["name"]


def test_global_names_carry_the_prefix(tf: TerraformConfig) -> None:
    for (kind, name), body in tf.resources.items():
        for field in ("name", "account_id", "secret_id"):
            if field in body and kind not in {"google_storage_bucket_object"} and "iam" not in kind:
                assert "var.name_prefix" in body[field], f"{kind}.{name}.{field} has no prefix"
    assert "var.name_prefix" in tf.locals["secret_ids"]


def test_builds_run_as_their_own_account(tf: TerraformConfig) -> None:
    # Its read access to the sources is a project role from infra/bootstrap (test_bootstrap.py).
    build = only(tf.resources[FUNCTION]["build_config"])
    assert build["service_account"] == '${data.google_service_account.app["build"].name}'
    assert build["docker_repository"] == "${local.docker_repository}"


def test_this_root_grants_no_project_roles(tf: TerraformConfig) -> None:
    # Project IAM belongs to infra/bootstrap: the deployer cannot widen anyone's rights.
    assert not tf.of_type("google_project_iam_member")
    assert not tf.of_type("google_project_iam_binding")
    assert not tf.of_type("google_service_account")
    assert not tf.of_type("google_secret_manager_secret_version"), "secret values never pass Terraform"


def test_connection_budget_is_enforced_and_the_defaults_fit(tf: TerraformConfig) -> None:
    env = tf.locals["common_env"]
    assert unwrap(env["DB_POOL_SIZE"]) == "var.db_pool_size"
    assert unwrap(env["DB_MAX_OVERFLOW"]) == "var.db_max_overflow"
    assert {"DB_POOL_SIZE", "DB_MAX_OVERFLOW"} <= SETTINGS_ENV_NAMES
    preconditions = only(tf.resources[FUNCTION]["lifecycle"])["precondition"]
    (budget,) = [p for p in preconditions if "local.db_connections_at_most" in p["condition"]]
    assert "var.database_max_connections" in budget["condition"]
    assert "var.max_instances" in tf.locals["db_connections_at_most"]
    assert "local.workers" in tf.locals["db_connections_per_instance"], "each worker has its own pool"
    assert "var.max_instances * local.workers" in tf.locals["db_connections_at_most"], "history's LISTEN"

    default = {name: body.get("default") for name, body in tf.variables.items()}
    workers = int(default["cpu"])
    worst_case = (
        len(FUNCTION_NAMES)
        * default["max_instances"]
        * workers
        * (default["db_pool_size"] + default["db_max_overflow"])
        + default["max_instances"] * workers  # history keeps one LISTEN connection per worker
        + 1
    )
    assert worst_case <= default["database_max_connections"] - default["database_reserved_connections"]


def test_instance_sizes_cloud_run_refuses_are_refused_at_plan_time(tf: TerraformConfig) -> None:
    conditions = [p["condition"] for p in only(tf.resources[FUNCTION]["lifecycle"])["precondition"]]
    assert "${local.concurrency <= 1000}" in conditions
    assert any("local.memory_mib" in c and "2048" in c and "4096" in c for c in conditions)
    assert "Gi" in tf.locals["memory_mib"]


def test_migrations_run_as_a_job_inside_the_databases_network(tf: TerraformConfig) -> None:
    job = tf.resources[("google_cloud_run_v2_job", "migrate")]
    task = only(only(job["template"])["template"])
    assert task["service_account"] == '${data.google_service_account.app["migrate"].email}'
    vpc = only(task["dynamic"])["vpc_access"]
    assert only(vpc["content"])["connector"] == "${vpc_access.value}"
    assert "local.vpc_connector" in vpc["for_each"]
    assert only(tf.resources[FUNCTION]["service_config"])["vpc_connector"] == "${local.vpc_connector}"
    container = only(task["containers"])
    assert container["image"] == "${var.migrate_image}"
    assert "command" not in container and "args" not in container  # the image's CMD: common.migrate
    (env,) = container["env"]
    assert env["name"] == "DATABASE_URL"
    secret = only(only(env["value_source"])["secret_key_ref"])
    assert secret["secret"] == '${data.google_secret_manager_secret.app["DATABASE_URL"].secret_id}'
    assert tf.outputs["migrate_job"]["value"] == "${google_cloud_run_v2_job.migrate.name}"


def test_migration_image_runs_common_migrate_with_the_functions_dependencies() -> None:
    dockerfile = (INFRA_DIR / "migrate" / "Dockerfile").read_text()
    instructions = [
        line.split(None, 1) for line in dockerfile.splitlines() if line and not line.startswith("#")
    ]
    copies = {args for op, args in instructions if op == "COPY"}
    assert "requirements.txt constraints.txt ./" in copies
    assert "common ./common" in copies
    assert "alembic.ini ./" in copies  # common.migrate reads REPO_ROOT/alembic.ini
    runs = [args for op, args in instructions if op == "RUN"]
    assert any("-r requirements.txt -c constraints.txt" in run for run in runs)
    assert instructions[-1] == ["CMD", '["python", "-m", "common.migrate"]']
    assert ["USER", "nobody"] in instructions


def test_port_80_serves_or_redirects_and_443_needs_a_domain(tf: TerraformConfig) -> None:
    (rule,) = tf.of_type("google_compute_global_forwarding_rule").values()
    assert '["80"]' in rule["for_each"] and '["443"]' in rule["for_each"]
    assert "local.site_https == 1" in rule["for_each"]
    http = tf.resources[("google_compute_target_http_proxy", "site")]
    assert 'var.domain != ""' in http["url_map"] and "https_redirect" in http["url_map"]
    assert tf.resources[("google_compute_backend_bucket", "site")]["enable_cdn"] is True


def test_outputs_give_the_function_and_site_urls(tf: TerraformConfig) -> None:
    for function in FUNCTION_NAMES:
        assert tf.outputs[f"{function}_url"]["value"] == (
            f'${{google_cloudfunctions2_function.function["{function}"].service_config[0].uri}}'
        )
    assert tf.outputs["site_url"]["value"] == "${local.site_url}"
    assert "site_bucket" in tf.outputs


def test_terraform_working_files_are_ignored_but_the_lock_file_is_not() -> None:
    paths = [
        "infra/.terraform/providers/x",
        "infra/terraform.tfstate",
        "infra/terraform.tfstate.backup",
        "infra/tfplan",
        "infra/bootstrap/terraform.tfstate",
    ]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths, "infra/.terraform.lock.hcl"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert sorted(ignored) == sorted(paths)
