"""The audit report (`privspan report`): annotations or gold -> per policy its data items,
their categories (GB/T 35273-2020 A.1), sensitivity, actions, purposes and receivers; and the
corpus' view of them, as JSON, CSV and one self-contained page."""
