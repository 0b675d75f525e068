# One-time setup of a project, applied by a project owner (infra/README.md, "One-time setup").
# Everything that needs rights CI should never hold lives here: service accounts and their
# project roles, Workload Identity Federation, the state bucket, the secrets' containers.
# After this, the deployer changes the application (infra/) but cannot change who may do what.

locals {
  secret_names = toset(["DATABASE_URL", "GEMINI_API_KEY", "ADMIN_TOKEN", "CONVERSATION_TOKEN_SECRET", "WEBHOOK_SECRET"])
  # The same ids infra/main.tf looks up.
  secret_ids = { for name in local.secret_names : name => "${var.name_prefix}-${lower(replace(name, "_", "-"))}" }

  # GitHub's OIDC token for a job that uses an Environment has this subject.
  apply_subject = "repo:${var.github_repository}:environment:${var.deploy_environment}"
}

resource "google_project_service" "apis" {
  for_each = toset([
    "artifactregistry.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "secretmanager.googleapis.com",
    "serviceusage.googleapis.com",
    "storage.googleapis.com",
    "sts.googleapis.com",
  ])

  service            = each.value
  disable_on_destroy = false
}

# --- Terraform state of infra/ ---

resource "google_storage_bucket" "state" {
  #checkov:skip=CKV_GCP_62:Only the two deploy identities and the owners touch this bucket; Cloud Audit Logs record their access.
  name                        = "${var.project_id}-${var.name_prefix}-tfstate"
  location                    = var.state_bucket_location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true # a broken apply can be rolled back to the previous state
  }

  depends_on = [google_project_service.apis]
}

# --- Images: the functions' builds and the migration job's image ---

resource "google_artifact_registry_repository" "images" {
  #checkov:skip=CKV_GCP_84:Google-managed encryption is enough for images built from a public-facing repository's code; CMEK would add a key to run.
  repository_id = var.name_prefix
  location      = var.region
  format        = "DOCKER"
  description   = "Images of the support chat: function builds and the migration job."

  depends_on = [google_project_service.apis]
}

# --- Secrets: containers only. Their values are added by hand (gcloud secrets versions add),
# so no value ever passes through Terraform state, a plan, or CI. ---

resource "google_secret_manager_secret" "app" {
  #checkov:skip=CKV_GCP_128:Google-managed encryption; a customer-managed key would add a key ring to run for five small secrets.
  for_each  = local.secret_ids
  secret_id = each.value

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

# --- Service accounts ---

resource "google_service_account" "app" {
  for_each = {
    runtime = "Support chat functions (runtime)"
    build   = "Support chat function builds"
    migrate = "Support chat database migrations"
    plan    = "Support chat CI: terraform plan (read-only)"
    deploy  = "Support chat CI: terraform apply (main only)"
    # No project roles: IAP on the console (infra/iap.tf) lets it call the retention route.
    retention = "Support chat retention job (Cloud Scheduler)"
  }

  account_id   = "${var.name_prefix}-${each.key}"
  display_name = each.value
  depends_on   = [google_project_service.apis]
}

# The functions read every secret they are given; the migration job only the database URL.
resource "google_secret_manager_secret_iam_member" "runtime_reads" {
  for_each  = google_secret_manager_secret.app
  secret_id = each.value.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.app["runtime"].email}"
}

resource "google_secret_manager_secret_iam_member" "migrate_reads_database_url" {
  secret_id = google_secret_manager_secret.app["DATABASE_URL"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.app["migrate"].email}"
}

resource "google_project_iam_member" "cloud_sql_client" {
  for_each = var.use_cloud_sql ? toset(["runtime", "migrate"]) : toset([])
  project  = var.project_id
  role     = "roles/cloudsql.client"
  member   = "serviceAccount:${google_service_account.app[each.key].email}"
}

# The build account: what a function build needs. Cloud Functions copies each uploaded zip
# into a bucket of its own (gcf-v2-sources-<project number>-<region>, made on the first
# deploy, so it cannot be named here) and builds from there; Cloud Run's "build service
# account" page asks for Storage Object Admin on the project "for retrieving the function
# source from the Cloud Storage bucket, and to store build images" (object viewer alone may
# fail the first build on a fresh project).
resource "google_project_iam_member" "build" {
  for_each = toset(["roles/logging.logWriter", "roles/storage.objectAdmin"])
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.app["build"].email}"
}

resource "google_artifact_registry_repository_iam_member" "writers" {
  # The build pushes function images; the deployer pushes the migration image.
  for_each   = toset(["build", "deploy"])
  project    = var.project_id
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.app[each.key].email}"
}

# --- The two CI identities ---

# plan: reads everything (resources, their IAM policies, the state), changes nothing. It runs
# `terraform plan -lock=false`, so it needs no write access even to the state bucket (and skips
# the plan while there is no state yet: Terraform would write an empty one first; the deploy
# job creates it). roles/viewer reads no object: the state bucket's are granted below, and the
# functions' source objects by infra/functions.tf on their bucket (no other bucket's).
resource "google_project_iam_member" "plan" {
  #checkov:skip=CKV_GCP_117:The plan identity only reads; refreshing buckets, functions, load balancers and their IAM policies needs read access across services, which roles/viewer gives without any write permission.
  for_each = toset(["roles/viewer", "roles/iam.securityReviewer"])
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.app["plan"].email}"
}

resource "google_storage_bucket_iam_member" "plan_reads_state" {
  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.app["plan"].email}"
}

# deploy: manages what infra/ declares. No projectIamAdmin, no serviceAccountAdmin, no
# secretmanager.admin: every identity and grant above stays out of its reach.
resource "google_project_iam_member" "deploy" {
  for_each = toset([
    "roles/iam.serviceAccountViewer",       # the accounts infra/main.tf looks up
    "roles/secretmanager.viewer",           # the secrets infra/main.tf looks up
    "roles/cloudfunctions.developer",       # the functions
    "roles/run.admin",                      # invoker bindings, the invoker check, the migration job
    "roles/storage.admin",                  # sources and site buckets, the state
    "roles/compute.loadBalancerAdmin",      # the site's load balancer and certificate
    "roles/serviceusage.serviceUsageAdmin", # API enablement in infra/main.tf, IAP's service agent
    "roles/iap.admin",                      # who may pass IAP to the console (infra/iap.tf)
    "roles/cloudscheduler.admin",           # the retention job (infra/iap.tf)
  ])
  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.app["deploy"].email}"
}

# Deploying a function or a job "as" an account (or a Scheduler job calling with its OIDC token)
# takes actAs on that account, and only these.
resource "google_service_account_iam_member" "deploy_acts_as" {
  for_each           = toset(["runtime", "build", "migrate", "retention"])
  service_account_id = google_service_account.app[each.key].name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.app["deploy"].email}"
}

# --- Workload Identity Federation: GitHub Actions tokens, no JSON key anywhere. One pool per
# identity, so a token admitted for plan can never satisfy the deployer's binding. ---

resource "google_iam_workload_identity_pool" "ci" {
  for_each                  = toset(["plan", "deploy"])
  workload_identity_pool_id = "${var.name_prefix}-${each.key}"
  display_name              = "GitHub ${each.key}"
  depends_on                = [google_project_service.apis]
}

locals {
  # plan: any branch or pull request of this repository (forks get no token).
  # deploy: only the deploy branch, and only a job in the protected Environment.
  github_conditions = {
    plan   = "assertion.repository_id == '${var.github_repository_id}'"
    deploy = "assertion.repository_id == '${var.github_repository_id}' && assertion.ref == 'refs/heads/${var.deploy_branch}' && assertion.sub == '${local.apply_subject}'"
  }
}

resource "google_iam_workload_identity_pool_provider" "github" {
  #checkov:skip=CKV_GCP_125:The conditions pin the repository by its immutable id (plan: every branch and same-repository pull request, whose subjects differ; it only reads) and, for deploy, also the ref and the subject repo:OWNER/NAME:environment:ENV, built from variables checkov cannot resolve offline; tests/infra/test_bootstrap.py checks them.
  for_each                           = google_iam_workload_identity_pool.ci
  workload_identity_pool_id          = each.value.workload_identity_pool_id
  workload_identity_pool_provider_id = "github"
  display_name                       = "GitHub Actions (${each.key})"
  attribute_condition                = local.github_conditions[each.key]

  attribute_mapping = {
    "google.subject"          = "assertion.sub"
    "attribute.repository_id" = "assertion.repository_id"
    "attribute.ref"           = "assertion.ref"
  }

  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

resource "google_service_account_iam_member" "ci_federation" {
  for_each           = google_iam_workload_identity_pool.ci
  service_account_id = google_service_account.app[each.key].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${each.value.name}/attribute.repository_id/${var.github_repository_id}"
}
