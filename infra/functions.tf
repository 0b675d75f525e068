# The functions, one resource for all of them (local.functions), each built from its own zip
# (dist/<name>.zip from `make package`: main.py at the root, the common/ package and the
# pinned requirements.txt) by the build service account, into the bootstrap's image repository.
# Cloud Functions copies the zip into a bucket of its own before building: the build account's
# read access to it is a project role, granted by infra/bootstrap.

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

# The read-only plan identity (infra/bootstrap) refreshes the source objects below: it reads this
# bucket's objects (roles/viewer reads none), and no other bucket's but the state's.
resource "google_storage_bucket_iam_member" "plan_reads_sources" {
  bucket = google_storage_bucket.sources.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${var.name_prefix}-plan@${var.project_id}.iam.gserviceaccount.com"
}

resource "google_storage_bucket_object" "source" {
  for_each = local.functions

  # The content hash in the name makes a code change a new object, which redeploys the function.
  name   = "${each.key}-${filemd5("${local.dist}/${each.key}.zip")}.zip"
  bucket = google_storage_bucket.sources.name
  source = "${local.dist}/${each.key}.zip"
}

resource "google_cloudfunctions2_function" "function" {
  #checkov:skip=CKV_GCP_124:chat_stream and history are called by shoppers' browsers directly (streams must not pass a buffering proxy; CORS and conversation tokens are enforced in code); policies is reachable but only admin_group may invoke it.
  for_each = local.functions

  name        = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  location    = var.region
  description = each.value.description

  build_config {
    runtime           = "python312"
    entry_point       = each.key
    service_account   = data.google_service_account.app["build"].name
    docker_repository = local.docker_repository
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source[each.key].name
      }
    }
  }

  service_config {
    available_cpu                    = var.cpu
    available_memory                 = var.memory
    max_instance_request_concurrency = local.concurrency
    timeout_seconds                  = each.value.timeout_seconds
    min_instance_count               = each.value.min_instances
    max_instance_count               = var.max_instances
    ingress_settings                 = "ALLOW_ALL"
    all_traffic_on_latest_revision   = true
    service_account_email            = data.google_service_account.app["runtime"].email
    vpc_connector                    = local.vpc_connector
    environment_variables            = merge(local.common_env, local.handoff_env, each.value.env)

    dynamic "secret_environment_variables" {
      for_each = toset(each.value.secrets)
      content {
        key        = secret_environment_variables.value
        project_id = var.project_id
        secret     = data.google_secret_manager_secret.app[secret_environment_variables.value].secret_id
        version    = "latest"
      }
    }
  }

  lifecycle {
    # Every worker of every instance of every function may hold db_pool_size + db_max_overflow connections:
    # refuse a plan whose worst case exceeds what the database accepts.
    precondition {
      condition     = local.db_connections_at_most <= var.database_max_connections - var.database_reserved_connections
      error_message = "Connection budget exceeded: max_instances x workers (= cpu) x (functions x (db_pool_size + db_max_overflow) + 1) + 1 must stay within database_max_connections - database_reserved_connections (see infra/README.md, Connection budget)."
    }
    # Cloud Run takes at most 1000 requests at once per instance; 4 vCPU need 2 GiB of memory,
    # 6 or 8 vCPU 4 GiB, and no instance gets more than 4 GiB per vCPU.
    precondition {
      condition     = local.concurrency <= 1000
      error_message = "streams_per_vcpu x cpu is the instance's concurrency, which Cloud Run caps at 1000."
    }
    precondition {
      condition     = local.memory_mib >= (tonumber(var.cpu) >= 6 ? 4096 : tonumber(var.cpu) >= 4 ? 2048 : 0) && local.memory_mib <= 4096 * tonumber(var.cpu)
      error_message = "memory: 4 vCPU need at least 2Gi, 6 or 8 vCPU at least 4Gi, and each vCPU takes at most 4Gi."
    }
  }

  depends_on = [google_project_service.apis]
}

# --- Who may invoke what. A gen2 function is a Cloud Run service of the same name, and
# invoking it takes roles/run.invoker on that service. ---

resource "google_cloud_run_v2_service_iam_member" "public" {
  # Shoppers are anonymous; CORS, rate limits and conversation tokens are enforced in code.
  # With public_access = "invoker_check_disabled" (organisations that refuse allUsers) CI
  # turns Cloud Run's invoker check off instead (see infra/README.md).
  for_each = var.public_access == "allUsers" ? { for k, f in local.functions : k => f if f.public } : {}

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.function[each.key].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_cloud_run_v2_service_iam_member" "admins" {
  for_each = { for k, f in local.functions : k => f if !f.public }

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.function[each.key].name
  role     = "roles/run.invoker"
  member   = "group:${var.admin_group}"
}
