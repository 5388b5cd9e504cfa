"""The application layer: one use case per function, plain values in, frozen values out."""
