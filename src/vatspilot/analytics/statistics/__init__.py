"""The public statistics of the pilot, aggregated with Polars over the applications' timeline rows
(`pilot.pilot_statistics`), and the same aggregation written as DuckDB SQL (`reference_sql`), which the
tests hold equal and the benchmark times against. No Django: the read model hands the rows in."""
