"""infra/bootstrap, the one-time root a project owner applies: identities and who may use them.

Offline like the rest: parsed, cross-checked with infra/, never applied here.
"""

from __future__ import annotations

import pytest

from tests.infra.terraform import INFRA_DIR, TerraformConfig, only

READ_ONLY_ROLES = {"roles/viewer", "roles/iam.securityReviewer"}
NEVER_GRANTED = {
    "roles/owner",
    "roles/editor",
    "roles/resourcemanager.projectIamAdmin",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.securityAdmin",
    "roles/secretmanager.admin",
}


@pytest.fixture(scope="module")
def boot() -> TerraformConfig:
    """infra/bootstrap parsed once."""
    return TerraformConfig.load(INFRA_DIR / "bootstrap")


@pytest.fixture(scope="module")
def app() -> TerraformConfig:
    """infra/ parsed once."""
    return TerraformConfig.load()


def _project_roles(boot: TerraformConfig, name: str) -> set[str]:
    body = boot.resources[("google_project_iam_member", name)]
    return {role.strip(' "') for role in _list_literal(body["for_each"])}


def _list_literal(expression: str) -> list[str]:
    inner = expression[expression.index("[") + 1 : expression.rindex("]")]
    return [item.strip() for item in inner.replace("\n", ",").split(",") if item.strip().startswith('"')]


def test_no_identity_can_change_the_projects_iam_or_make_accounts(boot: TerraformConfig) -> None:
    granted: set[str] = set()
    for kind, name in boot.resources:
        if kind == "google_project_iam_member":
            body = boot.resources[(kind, name)]
            granted |= {body["role"]} if "${" not in body["role"] else _project_roles(boot, name)
    assert granted, "no project role found"
    assert not granted & NEVER_GRANTED, sorted(granted & NEVER_GRANTED)


def test_plan_identity_only_reads(boot: TerraformConfig) -> None:
    assert _project_roles(boot, "plan") == READ_ONLY_ROLES


def test_plan_identity_reads_the_objects_it_refreshes_and_no_other_buckets(
    boot: TerraformConfig, app: TerraformConfig
) -> None:
    """roles/viewer reads no object: the state, and the functions' source objects a plan refreshes,
    are granted on their own buckets (a project-wide grant would open every bucket's objects)."""
    state = boot.resources[("google_storage_bucket_iam_member", "plan_reads_state")]
    assert (state["bucket"], state["role"]) == (
        "${google_storage_bucket.state.name}",
        "roles/storage.objectViewer",
    )
    assert state["member"] == 'serviceAccount:${google_service_account.app["plan"].email}'
    sources = app.resources[("google_storage_bucket_iam_member", "plan_reads_sources")]
    assert sources["bucket"] == "${google_storage_bucket.sources.name}"
    assert sources["role"] == "roles/storage.objectViewer"
    plan_account = boot.resources[("google_service_account", "app")]
    assert "plan" in str(plan_account["for_each"])
    assert (
        sources["member"]
        == "serviceAccount:${var.name_prefix}-plan@${var.project_id}.iam.gserviceaccount.com"
    )
    for body in [b for (kind, _), b in app.resources.items() if kind == "google_project_iam_member"]:
        assert "plan" not in str(body.get("member", ""))


def test_deploy_identity_has_no_basic_role_and_acts_only_as_the_apps_accounts(boot: TerraformConfig) -> None:
    roles = _project_roles(boot, "deploy")
    assert not roles & {"roles/viewer", "roles/editor", "roles/owner"}
    acts_as = boot.resources[("google_service_account_iam_member", "deploy_acts_as")]
    assert acts_as["role"] == "roles/iam.serviceAccountUser"
    assert set(_list_literal(acts_as["for_each"])) == {'"runtime"', '"build"', '"migrate"', '"retention"'}
    # What infra/ creates with IAP and retention on: the IAP bindings and the Scheduler job.
    assert {"roles/iap.admin", "roles/cloudscheduler.admin"} <= roles


def test_apply_only_from_main_in_the_protected_environment(boot: TerraformConfig) -> None:
    conditions = boot.locals["github_conditions"]
    deploy = conditions["deploy"]
    assert "assertion.repository_id == '${var.github_repository_id}'" in deploy
    assert "assertion.ref == 'refs/heads/${var.deploy_branch}'" in deploy
    assert "assertion.sub == '${local.apply_subject}'" in deploy
    assert (
        boot.locals["apply_subject"] == "repo:${var.github_repository}:environment:${var.deploy_environment}"
    )
    assert boot.variables["deploy_branch"]["default"] == "main"
    assert conditions["plan"] == "assertion.repository_id == '${var.github_repository_id}'"


def test_each_identity_is_reachable_only_through_its_own_pool(boot: TerraformConfig) -> None:
    pools = boot.resources[("google_iam_workload_identity_pool", "ci")]
    assert set(_list_literal(pools["for_each"])) == {'"plan"', '"deploy"'}
    provider = boot.resources[("google_iam_workload_identity_pool_provider", "github")]
    assert provider["for_each"] == "${google_iam_workload_identity_pool.ci}"
    assert provider["workload_identity_pool_id"] == "${each.value.workload_identity_pool_id}"
    assert provider["attribute_condition"] == "${local.github_conditions[each.key]}"
    assert only(provider["oidc"])["issuer_uri"] == "https://token.actions.githubusercontent.com"
    binding = boot.resources[("google_service_account_iam_member", "ci_federation")]
    assert binding["for_each"] == "${google_iam_workload_identity_pool.ci}"
    assert binding["service_account_id"] == "${google_service_account.app[each.key].name}"
    assert binding["member"] == (
        "principalSet://iam.googleapis.com/${each.value.name}/attribute.repository_id/${var.github_repository_id}"
    )


def test_build_account_gets_only_what_builds_need(boot: TerraformConfig) -> None:
    # Logs, and the source zip, which Cloud Functions copies into a bucket of its own
    # (gcf-v2-sources-...) before the build reads it: object read access project-wide.
    assert _project_roles(boot, "build") == {"roles/logging.logWriter", "roles/storage.objectAdmin"}
    writers = boot.resources[("google_artifact_registry_repository_iam_member", "writers")]
    assert writers["role"] == "roles/artifactregistry.writer"
    build_grants = [
        body
        for (kind, _), body in boot.resources.items()
        if "iam_member" in kind and 'app["build"]' in body.get("member", "")
    ]
    assert len(build_grants) == 1  # the project roles; the repository grant is by for_each


def test_both_roots_agree_on_accounts_secrets_and_repository(
    boot: TerraformConfig, app: TerraformConfig
) -> None:
    accounts = boot.resources[("google_service_account", "app")]
    assert accounts["account_id"] == "${var.name_prefix}-${each.key}"
    made = {key.strip('"') for key in _keys(accounts["for_each"])}
    assert set(app.locals["service_accounts"]) <= made
    for name, email in app.locals["service_accounts"].items():
        assert email == f"${{var.name_prefix}}-{name}@${{var.project_id}}.iam.gserviceaccount.com"
    assert boot.locals["secret_ids"] == app.locals["secret_ids"]
    boot_secrets = set(_list_literal(boot.locals["secret_names"]))
    app_secrets = {f'"{s}"' for f in app.locals["functions"].values() for s in f["secrets"]}
    assert boot_secrets == app_secrets
    repository = boot.resources[("google_artifact_registry_repository", "images")]
    assert repository["repository_id"] == "${var.name_prefix}"
    assert repository["format"] == "DOCKER"
    assert app.locals["docker_repository"].endswith("/repositories/${var.name_prefix}")


def _keys(expression: dict[str, str] | str) -> list[str]:
    return list(expression) if isinstance(expression, dict) else []


def test_secret_values_never_pass_terraform(boot: TerraformConfig) -> None:
    assert not boot.of_type("google_secret_manager_secret_version")
    assert not [n for n, v in boot.variables.items() if v.get("sensitive")]


def test_state_bucket_is_private_and_versioned(boot: TerraformConfig) -> None:
    bucket = boot.resources[("google_storage_bucket", "state")]
    assert bucket["public_access_prevention"] == "enforced"
    assert only(bucket["versioning"])["enabled"] is True
    assert "var.name_prefix" in bucket["name"]


def test_workload_identity_prerequisites_are_enabled(boot: TerraformConfig) -> None:
    apis = set(_list_literal(boot.resources[("google_project_service", "apis")]["for_each"]))
    assert {'"iam.googleapis.com"', '"iamcredentials.googleapis.com"', '"sts.googleapis.com"'} <= apis
