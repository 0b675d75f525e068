"""Handing a conversation to a person: the shopper's request, the staff inbox, the events a
shopper's page follows, and the webhook outbox."""
