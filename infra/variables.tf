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
  description = "Prefix of every resource name (functions, buckets, service account)."
  type        = string
  default     = "support-chat"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,20}$", var.name_prefix))
    error_message = "name_prefix: 3-21 lower-case letters, digits or dashes, starting with a letter."
  }
}

# --- Secrets (stored in Secret Manager; pass them as TF_VAR_... from CI secrets) ---

variable "database_url" {
  description = "Postgres URL (Neon: paste it as is; Cloud SQL: postgresql://user:pass@IP/db?sslmode=require)."
  type        = string
  sensitive   = true
}

variable "gemini_api_key" {
  description = "Gemini API key."
  type        = string
  sensitive   = true
}

variable "admin_token" {
  description = "Bearer token of the policies function. Empty: Terraform generates one."
  type        = string
  sensitive   = true
  default     = ""
}

variable "conversation_token_secret" {
  description = "HMAC key of conversation tokens. Empty: Terraform generates one."
  type        = string
  sensitive   = true
  default     = ""
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

variable "threads" {
  description = "Requests one instance serves at once: gunicorn THREADS and the request concurrency (each open stream holds a thread)."
  type        = number
  default     = 16

  validation {
    condition     = var.threads >= 1 && var.threads <= 1000
    error_message = "threads must be between 1 and 1000."
  }
}

variable "cpu" {
  description = "vCPUs per instance (at least 1: concurrency above 1 needs a whole CPU)."
  type        = string
  default     = "1"

  validation {
    condition     = tonumber(var.cpu) >= 1
    error_message = "cpu must be at least 1."
  }
}

variable "memory" {
  description = "Memory per instance."
  type        = string
  default     = "512Mi"
}

variable "min_instances" {
  description = "Instances kept warm per function (0: scale to zero, cold starts possible)."
  type        = number
  default     = 0
}

variable "max_instances" {
  description = "Upper bound of instances per function (bounds cost and Postgres connections)."
  type        = number
  default     = 10
}

# --- Access ---

variable "admin_group" {
  description = "Google group allowed to invoke the policies function, e.g. shop-admins@example.com."
  type        = string
}

variable "use_cloud_sql" {
  description = "Grant the runtime service account roles/cloudsql.client (only when the database is Cloud SQL)."
  type        = bool
  default     = false
}

variable "vpc_connector" {
  description = "Serverless VPC Access connector for a private database IP (projects/P/locations/R/connectors/C). Empty: none."
  type        = string
  default     = ""
}

variable "build_service_account" {
  description = "Service account email Cloud Build uses to build the functions. Empty: the project default."
  type        = string
  default     = ""
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
