locals {
  # One value for both knobs: gunicorn runs THREADS threads and Cloud Run sends at most
  # max_instance_request_concurrency requests to an instance. If they differ, requests
  # either queue behind busy threads or threads sit idle.
  threads = var.threads

  # One entry per functions/<name>/ folder; each is deployed from dist/<name>.zip.
  functions = toset(["chat_stream", "history", "policies"])

  # Every environment variable read through Secret Manager, by function. Names are the
  # ones common/config.py reads; each function gets only what it uses.
  function_secrets = {
    chat_stream = ["DATABASE_URL", "GEMINI_API_KEY", "CONVERSATION_TOKEN_SECRET"]
    history     = ["DATABASE_URL", "CONVERSATION_TOKEN_SECRET"]
    policies    = ["DATABASE_URL", "ADMIN_TOKEN"]
  }

  secret_values = {
    DATABASE_URL              = var.database_url
    GEMINI_API_KEY            = var.gemini_api_key
    ADMIN_TOKEN               = var.admin_token != "" ? var.admin_token : random_password.admin_token.result
    CONVERSATION_TOKEN_SECRET = var.conversation_token_secret != "" ? var.conversation_token_secret : random_password.conversation_token_secret.result
  }

  site_url = var.domain != "" ? "https://${var.domain}" : "http://${google_compute_global_address.site.address}"

  common_env = {
    THREADS                  = tostring(local.threads)
    GEMINI_MODEL             = var.gemini_model
    ALLOWED_ORIGINS          = join(",", concat([local.site_url], var.extra_allowed_origins))
    POLICY_CACHE_TTL_SECONDS = tostring(var.policy_cache_ttl_seconds)
    ANSWER_DEADLINE_SECONDS  = tostring(var.answer_deadline_seconds)
    GOOGLE_CLOUD_PROJECT     = var.project_id # log lines link to Cloud Trace in this project
  }

  build_service_account = var.build_service_account != "" ? "projects/${var.project_id}/serviceAccounts/${var.build_service_account}" : null
  vpc_connector         = var.vpc_connector != "" ? var.vpc_connector : null
}

resource "google_project_service" "apis" {
  for_each = toset([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "compute.googleapis.com",
    "iam.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ])

  service            = each.value
  disable_on_destroy = false
}

# --- Runtime identity: one service account, allowed to read its secrets and nothing else ---

resource "google_service_account" "runtime" {
  account_id   = "${var.name_prefix}-runtime"
  display_name = "Support chat functions (runtime)"
  depends_on   = [google_project_service.apis]
}

resource "google_project_iam_member" "runtime_cloud_sql_client" {
  count   = var.use_cloud_sql ? 1 : 0
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

# --- Secrets ---

resource "random_password" "admin_token" {
  length  = 48
  special = false
}

resource "random_password" "conversation_token_secret" {
  length  = 64
  special = false
}

resource "google_secret_manager_secret" "app" {
  for_each  = toset(keys(local.secret_values))
  secret_id = each.key

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "app" {
  for_each    = google_secret_manager_secret.app
  secret      = each.value.id
  secret_data = local.secret_values[each.key]
}

resource "google_secret_manager_secret_iam_member" "runtime_reads" {
  for_each  = google_secret_manager_secret.app
  project   = var.project_id
  secret_id = each.value.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}
