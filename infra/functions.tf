# The three functions, each built from its own zip (dist/<name>.zip from `make package`:
# main.py at the root, the common/ package and the pinned requirements.txt).

locals {
  dist = "${path.module}/../dist"
}

resource "google_storage_bucket" "sources" {
  #checkov:skip=CKV_GCP_62:Holds only build inputs that Terraform rewrites on every deploy; access logs add cost, not insight.
  #checkov:skip=CKV_GCP_78:Every upload has a new content-addressed name, so versioning would only keep garbage.
  name                        = "${var.project_id}-${var.name_prefix}-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true

  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket_object" "source" {
  for_each = local.functions

  # The content hash in the name makes a code change a new object, which redeploys the function.
  name   = "${each.key}-${filemd5("${local.dist}/${each.key}.zip")}.zip"
  bucket = google_storage_bucket.sources.name
  source = "${local.dist}/${each.key}.zip"
}

resource "google_cloudfunctions2_function" "chat_stream" {
  #checkov:skip=CKV_GCP_124:Shoppers' browsers call this function directly (streams must not pass a buffering proxy); CORS is enforced in code.
  name        = "${var.name_prefix}-chat-stream"
  location    = var.region
  description = "Send a message and stream the answer as Server-Sent Events."

  build_config {
    runtime         = "python312"
    entry_point     = "chat_stream"
    service_account = local.build_service_account
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source["chat_stream"].name
      }
    }
  }

  service_config {
    available_cpu                    = var.cpu
    available_memory                 = var.memory
    max_instance_request_concurrency = local.threads
    timeout_seconds                  = var.chat_stream_timeout_seconds
    min_instance_count               = var.min_instances
    max_instance_count               = var.max_instances
    ingress_settings                 = "ALLOW_ALL"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.runtime.email
    vpc_connector                    = local.vpc_connector
    environment_variables            = local.common_env

    dynamic "secret_environment_variables" {
      for_each = toset(local.function_secrets["chat_stream"])
      content {
        key        = secret_environment_variables.value
        project_id = var.project_id
        secret     = google_secret_manager_secret.app[secret_environment_variables.value].secret_id
        version    = "latest"
      }
    }
  }

  depends_on = [google_secret_manager_secret_version.app, google_secret_manager_secret_iam_member.runtime_reads]
}

resource "google_cloudfunctions2_function" "history" {
  #checkov:skip=CKV_GCP_124:The chat page restores conversations by calling this function from the browser; CORS and the conversation token are enforced in code.
  name        = "${var.name_prefix}-history"
  location    = var.region
  description = "Return a conversation so the page can restore it."

  build_config {
    runtime         = "python312"
    entry_point     = "history"
    service_account = local.build_service_account
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source["history"].name
      }
    }
  }

  service_config {
    available_cpu                    = var.cpu
    available_memory                 = var.memory
    max_instance_request_concurrency = local.threads
    timeout_seconds                  = 60
    min_instance_count               = var.min_instances
    max_instance_count               = var.max_instances
    ingress_settings                 = "ALLOW_ALL"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.runtime.email
    vpc_connector                    = local.vpc_connector
    environment_variables            = local.common_env

    dynamic "secret_environment_variables" {
      for_each = toset(local.function_secrets["history"])
      content {
        key        = secret_environment_variables.value
        project_id = var.project_id
        secret     = google_secret_manager_secret.app[secret_environment_variables.value].secret_id
        version    = "latest"
      }
    }
  }

  depends_on = [google_secret_manager_secret_version.app, google_secret_manager_secret_iam_member.runtime_reads]
}

resource "google_cloudfunctions2_function" "policies" {
  #checkov:skip=CKV_GCP_124:Reachable from the internet but only members of var.admin_group may invoke it (IAM), plus the bearer token checked in code.
  name        = "${var.name_prefix}-policies"
  location    = var.region
  description = "Shop admins manage the policies and the FAQ bank."

  build_config {
    runtime         = "python312"
    entry_point     = "policies"
    service_account = local.build_service_account
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source["policies"].name
      }
    }
  }

  service_config {
    available_cpu                    = var.cpu
    available_memory                 = var.memory
    max_instance_request_concurrency = local.threads
    timeout_seconds                  = 60
    min_instance_count               = 0
    max_instance_count               = var.max_instances
    ingress_settings                 = "ALLOW_ALL"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.runtime.email
    vpc_connector                    = local.vpc_connector
    environment_variables            = local.common_env

    dynamic "secret_environment_variables" {
      for_each = toset(local.function_secrets["policies"])
      content {
        key        = secret_environment_variables.value
        project_id = var.project_id
        secret     = google_secret_manager_secret.app[secret_environment_variables.value].secret_id
        version    = "latest"
      }
    }
  }

  depends_on = [google_secret_manager_secret_version.app, google_secret_manager_secret_iam_member.runtime_reads]
}

# --- Who may invoke what. A gen2 function is a Cloud Run service of the same name, and
# invoking it takes roles/run.invoker on that service. ---

resource "google_cloud_run_v2_service_iam_member" "chat_stream_public" {
  # Shoppers are anonymous; CORS, rate limits and conversation tokens are enforced in code.
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.chat_stream.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_cloud_run_v2_service_iam_member" "history_public" {
  # Shoppers are anonymous; a conversation is only returned with its token.
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.history.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_cloud_run_v2_service_iam_member" "policies_admins" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.policies.name
  role     = "roles/run.invoker"
  member   = "group:${var.admin_group}"
}
