# Identities, secrets and the image repository come from the bootstrap root (infra/bootstrap/),
# applied once by a project owner: this root needs no right to create service accounts or to
# change the project's IAM policy, and no secret value ever passes through its state or plans.

locals {
  # Sized together (README, Performance): one gunicorn worker process per vCPU, so every core
  # runs Python; the instance takes streams_per_vcpu streams per vCPU (the open-loop sizing
  # rule). Each worker gets as many threads as the whole instance takes: gunicorn hands a
  # connection to whichever worker accepts it first, not to one with a free thread, and a
  # stream waiting for a thread would wait for a whole answer. Idle threads cost nothing:
  # gunicorn starts them on demand.
  workers     = floor(tonumber(var.cpu))
  memory_mib  = tonumber(regex("^[0-9]+", var.memory)) * (endswith(var.memory, "Gi") ? 1024 : endswith(var.memory, "G") ? 1000 : 1)
  concurrency = var.streams_per_vcpu * local.workers
  threads     = local.concurrency

  # One entry per functions/<name>/ folder; each is deployed from dist/<name>.zip.
  # secrets: the Secret Manager secrets a function reads, as environment variables of the
  # same names (the names common/config.py reads); each function gets only what it uses.
  # WEBHOOK_SECRET signs the handoff webhook, which every function may deliver (the outbox).
  functions = {
    chat_stream = {
      description     = "Send a message and stream the answer as Server-Sent Events."
      timeout_seconds = var.chat_stream_timeout_seconds
      min_instances   = var.min_instances
      public          = true
      secrets         = ["DATABASE_URL", "GEMINI_API_KEY", "CONVERSATION_TOKEN_SECRET", "WEBHOOK_SECRET"]
      env             = {}
    }
    history = {
      description = "Return a conversation so the page can restore it."
      # /history/events streams end on their own after 10 minutes (the page reconnects);
      # a request timeout below that would cut every page's live replies short.
      timeout_seconds = 630
      min_instances   = var.min_instances
      public          = true
      # GEMINI_API_KEY: the page's warm start says whether the model answers, and the
      # knowledge it loads embeds entries saved without their vectors.
      secrets = ["DATABASE_URL", "GEMINI_API_KEY", "CONVERSATION_TOKEN_SECRET", "WEBHOOK_SECRET"]
      env     = {}
    }
    policies = {
      description = "Shop admins manage the policies and the FAQ bank."
      # The retention route deletes in batches until it is done.
      timeout_seconds = 300
      min_instances   = 0
      public          = false
      # GEMINI_API_KEY: the console's Try it asks the model, and a saved entry is embedded.
      secrets = ["DATABASE_URL", "GEMINI_API_KEY", "ADMIN_TOKEN", "WEBHOOK_SECRET"]
      # With IAP in front (infra/iap.tf), the function checks the assertion's audience;
      # with retention_days, the daily job (or an owner) deletes older conversations.
      env = merge(
        var.console_iap_enabled ? { IAP_AUDIENCE = local.console_iap_audience } : {},
        var.retention_days > 0 ? { RETENTION_DAYS = tostring(var.retention_days) } : {},
      )
    }
  }

  # Secret Manager ids carry the prefix, so a second deployment (or an unrelated DATABASE_URL
  # secret) in the same project never collides. The bootstrap root creates them.
  secret_names = toset(flatten([for f in local.functions : f.secrets]))
  secret_ids   = { for name in local.secret_names : name => "${var.name_prefix}-${lower(replace(name, "_", "-"))}" }

  # Connection budget (README, "Connection budget"): every worker of every instance of every
  # function may open db_pool_size + db_max_overflow connections, the migration job one, and the
  # database keeps database_reserved_connections for admins and maintenance.
  # Each worker process has its own pool.
  # history's workers each keep one more: the LISTEN connection of the live events.
  db_connections_per_instance = local.workers * (var.db_pool_size + var.db_max_overflow)
  db_connections_at_most = sum([
    for f in local.functions : var.max_instances * local.db_connections_per_instance
  ]) + var.max_instances * local.workers + 1

  site_url = (
    !local.host_site ? "" :
    var.domain != "" ? "https://${var.domain}" : "http://${google_compute_global_address.site[0].address}"
  )

  common_env = {
    WORKERS                  = tostring(local.workers)
    THREADS                  = tostring(local.threads)
    DB_POOL_SIZE             = tostring(var.db_pool_size)
    DB_MAX_OVERFLOW          = tostring(var.db_max_overflow)
    GEMINI_MODEL             = var.gemini_model
    ALLOWED_ORIGINS          = join(",", compact(concat([local.site_url], var.extra_allowed_origins)))
    POLICY_CACHE_TTL_SECONDS = tostring(var.policy_cache_ttl_seconds)
    ANSWER_DEADLINE_SECONDS  = tostring(var.answer_deadline_seconds)
    # Exactly one proxy (Cloud Run's front end) sits before the function: the client address
    # is the last X-Forwarded-For entry it appended. Set here, never left to the default.
    TRUSTED_PROXY_COUNT  = "1"
    GOOGLE_CLOUD_PROJECT = var.project_id # log lines link to Cloud Trace in this project
  }
  # Handing conversations to a person (README, "Talking to a person"); empty: the app's default.
  handoff_env = { for name, value in {
    HANDOFF_WEBHOOK_URL = var.handoff_webhook_url
    SUPPORT_HOURS       = var.support_hours
    SUPPORT_TIMEZONE    = var.support_timezone
    # Each webhook event links to its conversation in the console the site serves.
    CONSOLE_URL = local.site_url != "" ? "${local.site_url}/admin/" : ""
  } : name => value if value != "" }

  # Made by infra/bootstrap (same name_prefix).
  service_accounts = {
    runtime = "${var.name_prefix}-runtime@${var.project_id}.iam.gserviceaccount.com"
    build   = "${var.name_prefix}-build@${var.project_id}.iam.gserviceaccount.com"
    migrate = "${var.name_prefix}-migrate@${var.project_id}.iam.gserviceaccount.com"
    # Calls the console's retention route through IAP (infra/iap.tf), when that is on.
    retention = "${var.name_prefix}-retention@${var.project_id}.iam.gserviceaccount.com"
  }
  docker_repository = "projects/${var.project_id}/locations/${var.region}/repositories/${var.name_prefix}"

  vpc_connector = var.vpc_connector != "" ? var.vpc_connector : null
}

resource "google_project_service" "apis" {
  for_each = toset([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "compute.googleapis.com",
    "iap.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ])

  service            = each.value
  disable_on_destroy = false
}

# --- What the bootstrap root made: looked up so a missing piece fails the plan, not the apply ---

data "google_service_account" "app" {
  for_each   = local.service_accounts
  account_id = each.value
}

data "google_secret_manager_secret" "app" {
  for_each  = local.secret_ids
  secret_id = each.value
}
