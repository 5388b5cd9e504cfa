"""File formats (adapters): recordings as CSV."""
