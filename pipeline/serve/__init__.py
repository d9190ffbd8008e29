"""`privspan serve`: one loaded pipeline behind a page, an API and a Label Studio ML backend."""

MAX_BYTES = 5_000_000  # a request's body: ~1.6 million Chinese characters; long policies hold ~100,000
MAX_IN_FLIGHT = 8  # requests running or waiting for the model (limits.ModelGate)
