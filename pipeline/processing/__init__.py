"""`privspan annotate` over a whole corpus in shards: the plan (partitions), the job (manifest,
shards, errors) with the one function that annotates a partition, and one module per engine
that runs that function: `local` (this process) and `dask_engine` (a Dask cluster)."""
