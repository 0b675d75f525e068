variable "project_id" {
  description = "Google Cloud project that hosts everything."
  type        = string
}

variable "region" {
  description = "Region of the functions and the source bucket."
  type        = string
  default     = "europe-west1"
}

variable "name_prefix" {
  description = "Prefix of every resource name (functions, buckets, secrets, service accounts); the same as in infra/bootstrap."
  type        = string
  default     = "support-chat"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix: 3-20 lower-case letters, digits or dashes, starting with a letter and ending with a letter or digit (it names the image repository; \"<prefix>-retention\" is a service account id, at most 30 characters)."
  }
}

# --- Runtime settings ---

variable "gemini_model" {
  description = "Gemini model name (GEMINI_MODEL)."
  type        = string
  default     = "gemini-2.5-flash"
}

variable "extra_allowed_origins" {
  description = "Origins allowed by CORS besides the site's own URL (e.g. the shop's domain)."
  type        = list(string)
  default     = []

  validation {
    # As a browser sends its Origin; the functions refuse to start with anything else.
    condition     = alltrue([for o in var.extra_allowed_origins : o == "*" || can(regex("^https?://[^/?#,\\s]+/?$", o))])
    error_message = "Each origin is scheme://host[:port] with no path, e.g. https://shop.example."
  }
}

variable "policy_cache_ttl_seconds" {
  description = "How long an instance serves its cached policies (POLICY_CACHE_TTL_SECONDS)."
  type        = number
  default     = 60
}

variable "answer_deadline_seconds" {
  description = "Overall deadline of one answer (ANSWER_DEADLINE_SECONDS); must stay below chat_stream_timeout_seconds."
  type        = number
  default     = 300
}

variable "chat_stream_timeout_seconds" {
  description = "Request timeout of chat_stream: longer than the longest answer, at most 3600."
  type        = number
  default     = 900

  validation {
    condition     = var.chat_stream_timeout_seconds >= 60 && var.chat_stream_timeout_seconds <= 3600
    error_message = "chat_stream_timeout_seconds must be between 60 and 3600."
  }
}

variable "streams_per_vcpu" {
  description = "Concurrent streams one vCPU serves (the sizing rule from make bench's open-loop mode, README Performance); the request concurrency is this times cpu."
  type        = number
  default     = 64

  validation {
    condition     = var.streams_per_vcpu >= 1 && var.streams_per_vcpu <= 250
    error_message = "streams_per_vcpu must be between 1 and 250."
  }
}

variable "cpu" {
  description = "Whole vCPUs per instance; gunicorn runs one worker process per vCPU (WORKERS), so every core is used."
  type        = string
  default     = "2"

  validation {
    condition     = contains(["1", "2", "4", "6", "8"], var.cpu)
    error_message = "cpu must be 1, 2, 4, 6 or 8 vCPUs (the whole numbers Cloud Run allocates)."
  }
}

variable "memory" {
  description = "Memory per instance (Mi or Gi; 4 vCPU need 2Gi, 6 or 8 vCPU 4Gi; at most 4Gi per vCPU)."
  type        = string
  default     = "512Mi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi|M|G)$", var.memory))
    error_message = "memory: a number of Mi or Gi, e.g. 512Mi or 2Gi."
  }
}

variable "min_instances" {
  description = "Instances kept warm per function (0: scale to zero, cold starts possible)."
  type        = number
  default     = 0
}

variable "max_instances" {
  description = "Upper bound of instances per function (bounds cost and Postgres connections)."
  type        = number
  default     = 4
}

# --- Access ---

variable "admin_group" {
  description = "Google group allowed to invoke the policies function, e.g. shop-admins@example.com."
  type        = string
}

variable "public_access" {
  description = "How shoppers reach chat_stream and history: allUsers (roles/run.invoker for allUsers, site in a public bucket) or invoker_check_disabled (for organisations that refuse allUsers: Cloud Run's invoker check is turned off by CI, no public bucket)."
  type        = string
  default     = "allUsers"

  validation {
    condition     = contains(["allUsers", "invoker_check_disabled"], var.public_access)
    error_message = "public_access must be \"allUsers\" or \"invoker_check_disabled\"."
  }
}

variable "vpc_connector" {
  description = "Serverless VPC Access connector for a private database IP (projects/P/locations/R/connectors/C), used by the functions and the migration job. Empty: none."
  type        = string
  default     = ""
}

variable "migrate_image" {
  description = "Image of the migration job (CI pushes infra/migrate/Dockerfile built from the same commit to the bootstrap's repository)."
  type        = string
}

# --- Connection budget (infra/README.md, "Connection budget") ---

variable "db_pool_size" {
  description = "Postgres connections each worker process keeps open (DB_POOL_SIZE)."
  type        = number
  default     = 1

  validation {
    condition     = var.db_pool_size >= 1
    error_message = "db_pool_size must be at least 1."
  }
}

variable "db_max_overflow" {
  description = "Extra connections each worker process may open under load, closed when idle (DB_MAX_OVERFLOW)."
  type        = number
  default     = 2

  validation {
    condition     = var.db_max_overflow >= 0
    error_message = "db_max_overflow must not be negative."
  }
}

variable "database_max_connections" {
  description = "The database's connection limit (Postgres max_connections, or the pooler's limit for Neon)."
  type        = number
  default     = 100
}

variable "database_reserved_connections" {
  description = "Connections kept free for admins, migrations by hand and maintenance."
  type        = number
  default     = 10
}

# --- Static site ---

variable "domain" {
  description = "Domain of the chat page (DNS A record to the site IP). Empty: plain HTTP on the IP address."
  type        = string
  default     = ""
}

variable "site_bucket_location" {
  description = "Location of the static-site bucket."
  type        = string
  default     = "EU"
}

# --- Handing conversations to a person ---

variable "handoff_webhook_url" {
  description = "Where new handoffs and shoppers' messages while waiting are POSTed, signed with the WEBHOOK_SECRET secret (HANDOFF_WEBHOOK_URL). Empty: no webhook."
  type        = string
  default     = ""
  validation {
    condition     = var.handoff_webhook_url == "" || startswith(var.handoff_webhook_url, "https://")
    error_message = "handoff_webhook_url must be an https:// URL (or empty)."
  }
}

variable "support_hours" {
  description = "When the team answers, e.g. \"mon-fri 09:00-18:00; sat 10:00-14:00\" (SUPPORT_HOURS). Empty: the app's default."
  type        = string
  default     = ""
}

variable "support_timezone" {
  description = "The time zone of support_hours, e.g. Europe/Berlin (SUPPORT_TIMEZONE). Empty: the app's default."
  type        = string
  default     = ""
}
