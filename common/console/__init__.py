"""The staff console's services: sign-in and staff, conversations, analytics, unanswered
questions, answer previews and retention. Each receives its dependencies as arguments."""
