"""A trained pipeline over new policies: load it, read inputs, predict spans, write outputs."""
