"""What every stage shares: reference data, contracts, periods, statistics."""
