"""Tables between the store and user code: Parquet bytes in the store, pandas DataFrames in the function."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def read_table(data: bytes) -> pd.DataFrame:
    return pq.read_table(io.BytesIO(data)).to_pandas()


def to_arrow(value: object, where: str) -> pa.Table:
    """A step's returned table as Arrow: a pandas DataFrame (its index dropped, as Bosun tables have none) or a
    pyarrow Table; anything else is the step's mistake."""
    if isinstance(value, pa.Table):
        return value
    if isinstance(value, pd.DataFrame):
        try:
            return pa.Table.from_pandas(value, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
            raise TypeError(f"{where} returned a DataFrame Parquet cannot hold: {e}") from e
    raise TypeError(f"{where} returned {type(value).__name__}; a transform step must return a pandas DataFrame or a pyarrow Table")


def write_table(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="snappy")
    return buf.getvalue()
