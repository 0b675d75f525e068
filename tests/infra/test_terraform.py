"""The Terraform in infra/, checked offline: no Terraform binary, no provider schema.

Each test pins a fact a wrong deploy would otherwise only reveal in production: a function
built from the wrong entry point, a secret the code never reads, THREADS out of step with
the request concurrency, an admin function open to the internet.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from common.config import REPO_ROOT, Settings
from tests.infra.terraform import INFRA_DIR, TerraformConfig, only, parse_file, strings, unwrap

FUNCTION_NAMES = sorted(p.parent.name for p in (REPO_ROOT / "functions").glob("*/main.py"))
REQUIRED_SECRETS = {"GEMINI_API_KEY", "DATABASE_URL", "ADMIN_TOKEN", "CONVERSATION_TOKEN_SECRET"}
PUBLIC_FUNCTIONS = {"chat_stream", "history"}
SETTINGS_ENV_NAMES = {name.upper() for name in Settings.model_fields}
# Read by functions-framework (gunicorn's thread count), not by our settings.
FRAMEWORK_ENV_NAMES = {"THREADS"}


@pytest.fixture(scope="module")
def tf() -> TerraformConfig:
    """infra/ parsed once for the module."""
    return TerraformConfig.load()


def functions_by_entry_point(tf: TerraformConfig) -> dict[str, tuple[str, dict[str, Any]]]:
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, body in tf.of_type("google_cloudfunctions2_function").items():
        entry_point = only(body["build_config"])["entry_point"]
        assert entry_point not in found, f"two functions share the entry point {entry_point}"
        found[entry_point] = (name, body)
    return found


def test_every_tf_file_parses() -> None:
    paths = sorted(INFRA_DIR.glob("*.tf"))
    assert len(paths) >= 4
    for path in paths:
        assert parse_file(path), f"{path.name} parsed to nothing"


def test_providers_are_pinned(tf: TerraformConfig) -> None:
    providers: dict[str, Any] = {}
    for block in tf.terraform:
        for required in block.get("required_providers", []):
            providers.update(required)
    assert "google" in providers
    for name, spec in providers.items():
        assert spec.get("source"), f"provider {name} has no source"
        assert re.search(r"\d", spec.get("version", "")), f"provider {name} has no version constraint"


@pytest.mark.parametrize("function", FUNCTION_NAMES)
def test_every_function_folder_is_deployed_with_its_entry_point(tf: TerraformConfig, function: str) -> None:
    deployed = functions_by_entry_point(tf)
    assert function in deployed, f"no google_cloudfunctions2_function with entry_point {function}"
    resource_name, body = deployed[function]
    build = only(body["build_config"])
    assert build["runtime"] == "python312"
    storage = only(only(build["source"])["storage_source"])
    assert storage["object"] == f'${{google_storage_bucket_object.source["{function}"].name}}'
    assert resource_name == function


def test_no_function_is_deployed_without_a_folder(tf: TerraformConfig) -> None:
    assert sorted(functions_by_entry_point(tf)) == FUNCTION_NAMES
    # One source zip per function folder, named after it (dist/<name>.zip).
    assert tf.resources[("google_storage_bucket_object", "source")]["for_each"] == "${local.functions}"
    assert sorted(re.findall(r'"(\w+)"', tf.locals["functions"])) == FUNCTION_NAMES
    assert sorted(tf.locals["function_secrets"]) == FUNCTION_NAMES


def test_every_referenced_variable_is_declared(tf: TerraformConfig) -> None:
    referenced: set[str] = set()
    for parsed in tf.files.values():
        for text in strings(parsed):
            referenced |= set(re.findall(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)", text))
    undeclared = referenced - set(tf.variables)
    assert not undeclared, f"undeclared variables: {sorted(undeclared)}"
    unused = set(tf.variables) - referenced
    assert not unused, f"declared but never used: {sorted(unused)}"


def test_every_referenced_local_and_resource_exists(tf: TerraformConfig) -> None:
    locals_used: set[str] = set()
    resources_used: set[tuple[str, str]] = set()
    for parsed in tf.files.values():
        for text in strings(parsed):
            if "${" not in text:
                continue
            locals_used |= set(re.findall(r"\blocal\.([A-Za-z_][A-Za-z0-9_]*)", text))
            resources_used |= set(
                re.findall(r"(?<![\w.])((?:google|random)_[a-z0-9_]+)\.([a-z_][a-z0-9_-]*)", text)
            )
    assert locals_used - set(tf.locals) == set()
    assert resources_used - set(tf.resources) == set()


def test_every_variable_is_described_and_typed(tf: TerraformConfig) -> None:
    for name, body in tf.variables.items():
        assert body.get("description"), f"variable {name} has no description"
        assert body.get("type"), f"variable {name} has no type"


def test_secret_names_are_what_the_code_reads(tf: TerraformConfig) -> None:
    per_function: dict[str, list[str]] = tf.locals["function_secrets"]
    used = {name for names in per_function.values() for name in names}
    assert used == REQUIRED_SECRETS
    assert used <= SETTINGS_ENV_NAMES, f"secrets the code never reads: {sorted(used - SETTINGS_ENV_NAMES)}"
    # A secret is created for each, and nothing else is.
    assert set(tf.locals["secret_values"]) == REQUIRED_SECRETS
    assert tf.resolve(tf.resources[("google_secret_manager_secret", "app")]["secret_id"]) == "${each.key}"


@pytest.mark.parametrize("function", FUNCTION_NAMES)
def test_each_function_gets_its_secrets_as_environment_variables(tf: TerraformConfig, function: str) -> None:
    _, body = functions_by_entry_point(tf)[function]
    service = only(body["service_config"])
    dynamic = only([d for d in service.get("dynamic", []) if "secret_environment_variables" in d])
    block = dynamic["secret_environment_variables"]
    assert block["for_each"] == f'${{toset(local.function_secrets["{function}"])}}'
    content = only(block["content"])
    assert content["key"] == "${secret_environment_variables.value}"
    assert content["secret"] == (
        "${google_secret_manager_secret.app[secret_environment_variables.value].secret_id}"
    )
    assert content["version"] == "latest"
    assert "DATABASE_URL" in tf.locals["function_secrets"][function]


def test_plain_environment_is_read_by_the_code_and_holds_no_secret(tf: TerraformConfig) -> None:
    env = tf.locals["common_env"]
    assert {"GEMINI_MODEL", "ALLOWED_ORIGINS", "POLICY_CACHE_TTL_SECONDS", "THREADS"} <= set(env)
    assert set(env) <= SETTINGS_ENV_NAMES | FRAMEWORK_ENV_NAMES
    assert not set(env) & REQUIRED_SECRETS
    assert "local.site_url" in env["ALLOWED_ORIGINS"]
    assert "var.extra_allowed_origins" in env["ALLOWED_ORIGINS"]


@pytest.mark.parametrize("function", FUNCTION_NAMES)
def test_threads_equal_the_request_concurrency(tf: TerraformConfig, function: str) -> None:
    _, body = functions_by_entry_point(tf)[function]
    service = only(body["service_config"])
    env = tf.resolve(service["environment_variables"])
    concurrency = unwrap(service["max_instance_request_concurrency"])
    assert unwrap(env["THREADS"]) == concurrency, "THREADS and the concurrency must come from one value"
    assert isinstance(tf.resolve(f"${{{concurrency}}}"), int)


@pytest.mark.parametrize("function", FUNCTION_NAMES)
def test_each_function_has_a_whole_cpu_and_instance_bounds(tf: TerraformConfig, function: str) -> None:
    _, body = functions_by_entry_point(tf)[function]
    service = only(body["service_config"])
    assert float(tf.resolve(service["available_cpu"])) >= 1
    assert tf.resolve(service["available_memory"])
    assert service["max_instance_count"] == "${var.max_instances}"
    assert "min_instance_count" in service
    assert service["service_account_email"] == "${google_service_account.runtime.email}"


def test_chat_stream_outlives_the_longest_answer(tf: TerraformConfig) -> None:
    _, body = functions_by_entry_point(tf)["chat_stream"]
    timeout = tf.resolve(only(body["service_config"])["timeout_seconds"])
    deadline = tf.resolve("${" + unwrap(tf.locals["common_env"]["ANSWER_DEADLINE_SECONDS"]) + "}")
    assert deadline == tf.variables["answer_deadline_seconds"]["default"]
    assert timeout > deadline >= Settings.model_fields["answer_deadline_seconds"].default
    assert timeout <= 3600


def test_only_the_shopper_functions_are_public(tf: TerraformConfig) -> None:
    members = tf.of_type("google_cloud_run_v2_service_iam_member")
    public: set[str] = set()
    admin: set[str] = set()
    for body in members.values():
        assert body["role"] == "roles/run.invoker"
        target = re.fullmatch(r"\$\{google_cloudfunctions2_function\.(\w+)\.name\}", body["name"])
        assert target, body["name"]
        if body["member"] == "allUsers":
            public.add(target.group(1))
        elif body["member"] == "group:${var.admin_group}":
            admin.add(target.group(1))
    assert public == PUBLIC_FUNCTIONS
    assert admin == {"policies"}


def test_runtime_account_reads_only_its_secrets(tf: TerraformConfig) -> None:
    project_roles = {
        body["role"]: body
        for body in tf.of_type("google_project_iam_member").values()
        if "google_service_account.runtime" in body["member"]
    }
    assert set(project_roles) <= {"roles/cloudsql.client"}
    if project_roles:
        assert project_roles["roles/cloudsql.client"]["count"] == "${var.use_cloud_sql ? 1 : 0}"
    readers = tf.of_type("google_secret_manager_secret_iam_member")
    assert len(readers) == 1
    (reader,) = readers.values()
    assert reader["role"] == "roles/secretmanager.secretAccessor"
    assert reader["for_each"] == "${google_secret_manager_secret.app}"


def test_site_is_a_cdn_backed_bucket_behind_a_load_balancer(tf: TerraformConfig) -> None:
    backend = tf.resources[("google_compute_backend_bucket", "site")]
    assert backend["enable_cdn"] is True
    assert backend["bucket_name"] == "${google_storage_bucket.site.name}"
    assert tf.resources[("google_compute_url_map", "site")]["default_service"] == (
        "${google_compute_backend_bucket.site.id}"
    )
    rules = tf.of_type("google_compute_global_forwarding_rule")
    assert {"site_http", "site_https"} <= set(rules)


def test_outputs_give_the_function_and_site_urls(tf: TerraformConfig) -> None:
    for function in FUNCTION_NAMES:
        assert tf.outputs[f"{function}_url"]["value"] == (
            f"${{google_cloudfunctions2_function.{function}.service_config[0].uri}}"
        )
    assert tf.outputs["site_url"]["value"] == "${local.site_url}"
    assert "site_bucket" in tf.outputs
