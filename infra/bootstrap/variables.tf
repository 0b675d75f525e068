variable "project_id" {
  description = "Google Cloud project that hosts everything."
  type        = string
}

variable "region" {
  description = "Region of the functions, the image repository and the migration job (the same as infra/)."
  type        = string
  default     = "europe-west1"
}

variable "name_prefix" {
  description = "Prefix of every name (service accounts, secrets, repository, pools); the same as infra/."
  type        = string
  default     = "support-chat"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix: 3-20 lower-case letters, digits or dashes, starting with a letter and ending with a letter or digit (it names the image repository; \"<prefix>-retention\" is a service account id, at most 30 characters)."
  }
}

variable "github_repository" {
  description = "GitHub repository that deploys, as owner/name."
  type        = string
}

variable "github_repository_id" {
  description = "Numeric id of that repository (gh api repos/OWNER/NAME --jq .id): unlike the name, it cannot be taken over by a repository created after a rename or deletion."
  type        = string

  validation {
    condition     = can(regex("^[0-9]+$", var.github_repository_id))
    error_message = "github_repository_id is the repository's numeric id."
  }
}

variable "deploy_branch" {
  description = "The only branch the apply identity accepts."
  type        = string
  default     = "main"
}

variable "deploy_environment" {
  description = "GitHub Environment of the apply job (protected: deployment branch main, required reviewers)."
  type        = string
  default     = "production"
}

variable "state_bucket_location" {
  description = "Location of the Terraform state bucket."
  type        = string
  default     = "EU"
}

variable "use_cloud_sql" {
  description = "Grant the runtime and migration accounts roles/cloudsql.client (only when the database is Cloud SQL)."
  type        = bool
  default     = false
}
