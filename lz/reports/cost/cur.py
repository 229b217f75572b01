"""AWS CUR 2.0 (Data Exports) source: one SQL text, run by DuckDB locally or by Athena.

The SQL is generated once by `build_cur_sql` and runs unchanged on both engines. It reads the
relation ``"<database>"."<table>"``: in Athena that is the CUR 2.0 table Data Exports (or its
Glue crawler) created; for DuckDB a view of that name is created over the parquet files, so the
text is identical. Only functions and syntax both engines share are used (``substr``,
``CAST``, ``COALESCE``, ``contains``/``map_keys``, ``DECIMAL(38,10)``, ``TIMESTAMP '...'``
literals, ``GROUP BY`` ordinals).

Columns used (AWS Data Exports, "Cost and Usage Report (CUR) 2.0" table dictionary):
``line_item_usage_start_date``, ``line_item_usage_account_id``, ``line_item_product_code``,
``line_item_currency_code``, ``line_item_line_item_type``, ``line_item_unblended_cost``,
``resource_tags`` (``map<string,string>``; "Resource tag keys only appear in this column if
they've been enabled as cost allocation tags"), and for amortised cost
``savings_plan_savings_plan_effective_cost``, ``savings_plan_total_commitment_to_date``,
``savings_plan_used_commitment``, ``reservation_effective_cost``,
``reservation_unused_amortized_upfront_fee_for_billing_period``,
``reservation_unused_recurring_fee`` and ``reservation_reservation_a_r_n``.

Tag keys: user-defined cost allocation tags appear in ``resource_tags`` under ``user_<key>``
with the key lower-cased and every character other than a letter or digit replaced by ``_``
(the Athena-compatible column naming of CUR; AWS's Cloud Intelligence Dashboards guide queries
``resource_tags['user_cost_center']``). See `cur_tag_map_key`.

Amortised cost follows the AWS Well-Architected Labs "CUR Query Library Help" (section
"Unblended, Blended, Amortized, and Net Costs"): covered usage at its effective cost, the unused
part of RI and Savings Plan fees, and the upfront/negation lines that would count twice set to 0.

Amounts are cast to ``DECIMAL(38,10)`` before summing, so totals are exact decimals rather
than float sums, on both engines.
"""

from __future__ import annotations

import fnmatch
import functools
import glob
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from lz.problems import InputError
from lz.reports.cost.model import NON_TAG_DIMENSIONS, CostRow, SourceResult
from lz.reports.retry import ExpiredCredentialsError, ReportSourceError, call_with_retries

if TYPE_CHECKING:
    import boto3
    import duckdb
    import pyarrow.dataset

__all__ = [
    "SOURCE",
    "AthenaOptions",
    "CurTable",
    "build_cur_sql",
    "cur_tag_map_key",
    "duckdb_s3_secret_sql",
    "expand_cur_paths",
    "read_cur",
    "run_athena",
    "run_duckdb",
]

SOURCE: Final = "aws-cur"

_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_GLOB_CHARS: Final = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class CurTable:
    """The relation the SQL reads: the Athena CUR table, mirrored by a DuckDB view locally."""

    database: str = "data_export"
    """Optional. Athena/Glue database of the CUR 2.0 table (Data Exports' default)."""
    table: str = "cur2"
    """Optional. Table name of the CUR 2.0 export."""

    def __post_init__(self) -> None:
        for what, name in (("database", self.database), ("table", self.table)):
            if _IDENTIFIER.fullmatch(name) is None:
                raise InputError(
                    f"CUR {what} name {name!r} must be letters, digits and underscores, not starting with a digit"
                )

    @property
    def relation(self) -> str:
        return f'"{self.database}"."{self.table}"'


@dataclass(frozen=True)
class AthenaOptions:
    """Where Athena runs the query."""

    workgroup: str = "primary"
    """Optional. Athena workgroup."""
    output: str | None = None
    """Optional. ``s3://`` result location; needed unless the workgroup sets one."""
    catalog: str = "AwsDataCatalog"
    """Optional. Data catalog of the database."""
    poll_interval: float = 1.0
    """Optional. Seconds between ``GetQueryExecution`` polls."""
    timeout: float = 1800.0
    """Optional. Give up (and report a gap) after this many seconds of polling."""


def cur_tag_map_key(tag_key: str) -> str:
    """The ``resource_tags`` map key of a user tag: ``cost-centre`` -> ``user_cost_centre``."""
    return "user_" + re.sub(r"[^a-z0-9]", "_", tag_key.lower())


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _dec(column: str) -> str:
    return f"CAST(COALESCE({column}, 0) AS DECIMAL(38,10))"


def _amount_sql(metric: str) -> str:
    if metric == "unblended":
        return _dec("line_item_unblended_cost")
    if metric != "amortised":
        raise ValueError(f"unknown metric {metric!r}; expected amortised or unblended")
    zero = "CAST(0 AS DECIMAL(38,10))"
    return (
        "CASE\n"
        "      WHEN line_item_line_item_type = 'SavingsPlanCoveredUsage' THEN "
        f"{_dec('savings_plan_savings_plan_effective_cost')}\n"
        f"      WHEN line_item_line_item_type = 'SavingsPlanRecurringFee' THEN "
        f"{_dec('savings_plan_total_commitment_to_date')} - {_dec('savings_plan_used_commitment')}\n"
        f"      WHEN line_item_line_item_type IN ('SavingsPlanNegation', 'SavingsPlanUpfrontFee') THEN {zero}\n"
        f"      WHEN line_item_line_item_type = 'DiscountedUsage' THEN {_dec('reservation_effective_cost')}\n"
        f"      WHEN line_item_line_item_type = 'RIFee' THEN "
        f"{_dec('reservation_unused_amortized_upfront_fee_for_billing_period')} + "
        f"{_dec('reservation_unused_recurring_fee')}\n"
        "      WHEN line_item_line_item_type = 'Fee' AND COALESCE(reservation_reservation_a_r_n, '') <> '' "
        f"THEN {zero}\n"
        f"      ELSE {_dec('line_item_unblended_cost')}\n"
        "    END"
    )


def build_cur_sql(table: CurTable, *, start: date, end: date, metric: str, tag_keys: Sequence[str]) -> str:
    """The one query both engines run: spend by month, account, product, currency and tag values.

    ``start`` is inclusive and ``end`` exclusive, on ``line_item_usage_start_date`` (as Cost
    Explorer's ``TimePeriod``). Missing tags come back as ``''`` (untagged).
    """
    columns = [
        "substr(CAST(line_item_usage_start_date AS VARCHAR), 1, 7) AS usage_month",
        "COALESCE(line_item_usage_account_id, '') AS account_id",
        "COALESCE(line_item_product_code, '') AS product_code",
        "COALESCE(line_item_currency_code, 'USD') AS currency",
    ]
    for index, key in enumerate(tag_keys):
        map_key = _sql_string(cur_tag_map_key(key))
        # element_at() differs between the engines and a missing key in resource_tags[...] is an
        # error in Athena (Trino), so test for the key first: this works the same on both.
        columns.append(
            f"COALESCE(CASE WHEN contains(map_keys(resource_tags), {map_key}) "
            f"THEN resource_tags[{map_key}] END, '') AS tag_{index}"
        )
    columns.append(f"SUM(\n    {_amount_sql(metric)}\n  ) AS amount")
    group = ", ".join(str(i) for i in range(1, 5 + len(tag_keys)))
    select = ",\n  ".join(columns)
    return (
        f"-- lz report cost: CUR 2.0 spend by month, account, service and tag ({metric})\n"
        f"SELECT\n  {select}\n"
        f"FROM {table.relation}\n"
        f"WHERE line_item_usage_start_date >= TIMESTAMP '{start.isoformat()} 00:00:00'\n"
        f"  AND line_item_usage_start_date < TIMESTAMP '{end.isoformat()} 00:00:00'\n"
        f"GROUP BY {group}\n"
        f"ORDER BY {group}"
    )


def expand_cur_paths(specs: Sequence[str]) -> list[str]:
    """Local files, directories (searched for ``*.parquet``) and globs, plus ``s3://`` URIs as given.

    A local spec that matches nothing is bad input (InputError), never an empty report.
    """
    found: list[str] = []
    problems: list[str] = []
    for spec in specs:
        if spec.startswith("s3://"):
            found.append(spec)
            continue
        path = Path(spec).expanduser()
        if _GLOB_CHARS.search(spec):
            matches = sorted(p for p in glob.glob(str(path), recursive=True) if Path(p).is_file())
        elif path.is_dir():
            matches = sorted(str(p) for p in path.rglob("*.parquet") if p.is_file())
        elif path.is_file():
            matches = [str(path)]
        else:
            problems.append(f"--cur {spec}: no such file or directory")
            continue
        if not matches:
            problems.append(f"--cur {spec}: no parquet files found")
        found.extend(matches)
    if problems:
        raise InputError("\n".join(problems))
    return list(dict.fromkeys(found))


def duckdb_s3_secret_sql(
    *,
    key_id: str,
    secret: str,
    session_token: str | None,
    region: str,
    endpoint_url: str | None,
) -> str:
    """``CREATE SECRET`` for DuckDB's httpfs S3 access, from boto3's resolved credentials.

    ``endpoint_url`` is the S3 endpoint boto3 resolved (so ``AWS_ENDPOINT_URL`` /
    ``AWS_ENDPOINT_URL_S3`` apply); a non-AWS endpoint gets path-style URLs and, for ``http://``,
    no TLS (DuckDB "S3 API Support": ``ENDPOINT``, ``URL_STYLE``, ``USE_SSL``).
    """
    parts = [
        "TYPE s3",
        f"KEY_ID {_sql_string(key_id)}",
        f"SECRET {_sql_string(secret)}",
        f"REGION {_sql_string(region)}",
    ]
    if session_token:
        parts.append(f"SESSION_TOKEN {_sql_string(session_token)}")
    if endpoint_url and not _is_aws_endpoint(endpoint_url):
        scheme, _, host = endpoint_url.partition("://")
        parts.append(f"ENDPOINT {_sql_string(host.rstrip('/'))}")
        parts.append("URL_STYLE 'path'")
        parts.append(f"USE_SSL {'true' if scheme == 'https' else 'false'}")
    return "CREATE OR REPLACE SECRET lz_cur_s3 (" + ", ".join(parts) + ")"


def _is_aws_endpoint(url: str) -> bool:
    host = url.partition("://")[2].split("/")[0].split(":")[0]
    return host.endswith((".amazonaws.com", ".amazonaws.com.cn"))


class _S3:
    """S3 access for the DuckDB engine from the standard boto3 credential chain."""

    def __init__(self, session: boto3.Session | None) -> None:
        import boto3
        from botocore.config import Config

        self.session = session or boto3.Session()
        self.client = self.session.client("s3", config=Config(retries={"total_max_attempts": 1}))
        self.endpoint_url: str = self.client.meta.endpoint_url
        self.region: str = self.client.meta.region_name or "us-east-1"

    def credentials(self) -> Any:
        from botocore.exceptions import NoCredentialsError

        credentials = self.session.get_credentials()
        if credentials is None:
            raise ExpiredCredentialsError(f"{SOURCE}: reading s3:// CUR files", NoCredentialsError())
        return credentials.get_frozen_credentials()

    def try_httpfs(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Use DuckDB's httpfs if it is installed; False when it is not (offline machines)."""
        import duckdb

        try:
            con.execute("LOAD httpfs")
        except duckdb.Error:
            return False
        frozen = self.credentials()
        con.execute(
            duckdb_s3_secret_sql(
                key_id=frozen.access_key,
                secret=frozen.secret_key,
                session_token=frozen.token,
                region=self.region,
                endpoint_url=self.endpoint_url,
            )
        )
        return True

    def list_uri(self, uri: str, *, sleep: Callable[[float], Any], attempts: int) -> list[str]:
        """Expand an ``s3://bucket/prefix`` (directory or glob) to parquet object URIs."""
        bucket, _, pattern = uri[len("s3://") :].partition("/")
        glob_at = _GLOB_CHARS.search(pattern)
        if glob_at:
            prefix = pattern[: glob_at.start()]
        elif pattern.endswith(".parquet"):
            return [uri]
        else:
            prefix = pattern.rstrip("/") + "/" if pattern else ""
            pattern = prefix + "*.parquet"
        keys: list[str] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix}
            if token:
                kwargs["ContinuationToken"] = token
            page = call_with_retries(
                functools.partial(self.client.list_objects_v2, **kwargs),
                what=f"{SOURCE}: listing {uri}",
                attempts=attempts,
                sleep=sleep,
            )
            keys += [obj["Key"] for obj in page.get("Contents", []) if fnmatch.fnmatchcase(obj["Key"], pattern)]
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                break
        return [f"s3://{bucket}/{key}" for key in sorted(keys)]

    def arrow_dataset(self, uris: Sequence[str]) -> pyarrow.dataset.Dataset:
        """A pyarrow dataset over S3 objects (used when DuckDB's httpfs is not installed)."""
        import pyarrow.dataset as ds
        from pyarrow import fs

        frozen = self.credentials()
        options: dict[str, Any] = {
            "access_key": frozen.access_key,
            "secret_key": frozen.secret_key,
            "session_token": frozen.token,
            "region": self.region,
        }
        if not _is_aws_endpoint(self.endpoint_url):
            scheme, _, host = self.endpoint_url.partition("://")
            options["endpoint_override"] = host.rstrip("/")
            options["scheme"] = scheme
        filesystem = fs.S3FileSystem(**options)
        return ds.dataset([u[len("s3://") :] for u in uris], filesystem=filesystem, format="parquet")


def _read_parquet_sql(paths: Sequence[str]) -> str:
    listing = ", ".join(_sql_string(p) for p in paths)
    return f"read_parquet([{listing}], union_by_name = true)"


def run_duckdb(
    sql: str,
    inputs: Sequence[str],
    *,
    table: CurTable,
    session: boto3.Session | None = None,
    sleep: Callable[[float], Any] = time.sleep,
    attempts: int = 5,
) -> tuple[list[tuple[Any, ...]], list[str]]:
    """Run ``sql`` over the CUR files with DuckDB; returns (result rows, gaps).

    All inputs are read in one query. If that fails, each input is tried on its own, so one
    unreadable file becomes a gap naming it while the rest of the report stands.
    """
    import duckdb

    con = duckdb.connect()
    try:
        local = [p for p in inputs if not p.startswith("s3://")]
        remote = [p for p in inputs if p.startswith("s3://")]
        s3 = _S3(session) if remote else None
        use_httpfs = bool(s3 and s3.try_httpfs(con))
        units: list[tuple[str, str | Any]] = [(path, _read_parquet_sql([path])) for path in local]
        if s3 is not None:
            for uri in remote:
                objects = [uri] if use_httpfs else s3.list_uri(uri, sleep=sleep, attempts=attempts)
                if not objects:
                    raise InputError(f"--cur {uri}: no parquet objects found")
                for obj in objects:
                    units.append((obj, _read_parquet_sql([obj]) if use_httpfs else s3.arrow_dataset([obj])))
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{table.database}"')

        def attach(selected: Sequence[tuple[str, str | Any]]) -> None:
            sources: list[str] = []
            for index, (_name, reader) in enumerate(selected):
                if isinstance(reader, str):
                    sources.append(f"SELECT * FROM {reader}")
                else:
                    con.register(f"lz_cur_arrow_{index}", reader)
                    sources.append(f"SELECT * FROM lz_cur_arrow_{index}")
            union = "\nUNION ALL BY NAME\n".join(sources)
            con.execute(f"CREATE OR REPLACE VIEW {table.relation} AS {union}")

        local_units = [u for u in units if isinstance(u[1], str)]
        arrow_units = [u for u in units if not isinstance(u[1], str)]
        combined: list[tuple[str, str | Any]] = []
        if local_units:
            combined.append(("all", _read_parquet_sql([name for name, _ in local_units])))
        combined.extend(arrow_units)
        try:
            attach(combined)
            return con.execute(sql).fetchall(), []
        except (duckdb.Error, OSError, ValueError):
            # Find out which inputs fail (below) instead of losing the whole source.
            pass
        rows: list[tuple[Any, ...]] = []
        failures: dict[str, list[str]] = defaultdict(list)
        for name, reader in units:
            try:
                attach([(name, reader)])
                rows.extend(con.execute(sql).fetchall())
            except (duckdb.Error, OSError, ValueError) as error:
                failures[str(error).splitlines()[0]].append(name)
        gaps = [
            f"{SOURCE}: could not read {len(names)} of {len(units)} CUR file(s) ({', '.join(names)}): {message}"
            for message, names in failures.items()
        ]
        return rows, gaps
    finally:
        con.close()


def athena_client(session: boto3.Session | None = None) -> Any:
    """An Athena client from the standard chain; ``AWS_ENDPOINT_URL`` is honoured by botocore."""
    import boto3
    from botocore.config import Config

    session = session or boto3.Session()
    return session.client("athena", config=Config(retries={"total_max_attempts": 1}))


def run_athena(
    sql: str,
    *,
    table: CurTable,
    options: AthenaOptions,
    client: Any,
    sleep: Callable[[float], Any] = time.sleep,
    attempts: int = 5,
    base_delay: float = 0.5,
    clock: Callable[[], float] = time.monotonic,
) -> list[tuple[str | None, ...]]:
    """Run ``sql`` in Athena: start, poll until done, read every result page.

    Raises `ReportSourceError` when the query fails, is cancelled or outlives the timeout.
    """

    def call(fn: Callable[[], Any], what: str) -> Any:
        return call_with_retries(
            fn, what=f"{SOURCE} (Athena): {what}", attempts=attempts, base_delay=base_delay, sleep=sleep
        )

    request: dict[str, Any] = {
        "QueryString": sql,
        "QueryExecutionContext": {"Database": table.database, "Catalog": options.catalog},
        "WorkGroup": options.workgroup,
    }
    if options.output:
        request["ResultConfiguration"] = {"OutputLocation": options.output}
    execution_id = call(lambda: client.start_query_execution(**request), "StartQueryExecution")["QueryExecutionId"]
    started = clock()
    while True:
        status = call(
            lambda: client.get_query_execution(QueryExecutionId=execution_id), f"GetQueryExecution {execution_id}"
        )["QueryExecution"]["Status"]
        state = status.get("State")
        if state == "SUCCEEDED":
            break
        if state in ("FAILED", "CANCELLED"):
            reason = status.get("StateChangeReason") or status.get("AthenaError", {}).get("ErrorMessage") or state
            raise ReportSourceError(f"{SOURCE} (Athena): query {execution_id}", None, reason=f"{state}: {reason}")
        if clock() - started > options.timeout:
            raise ReportSourceError(
                f"{SOURCE} (Athena): query {execution_id}", None, reason=f"still {state} after {options.timeout:.0f} s"
            )
        sleep(options.poll_interval)
    rows: list[tuple[str | None, ...]] = []
    token: str | None = None
    first_page = True
    while True:
        kwargs: dict[str, Any] = {"QueryExecutionId": execution_id, "MaxResults": 1000}
        if token:
            kwargs["NextToken"] = token
        page = call(functools.partial(client.get_query_results, **kwargs), f"GetQueryResults {execution_id}")
        result_set = page["ResultSet"]
        labels = [
            c.get("Label") or c.get("Name") for c in result_set.get("ResultSetMetadata", {}).get("ColumnInfo", [])
        ]
        page_rows = [tuple(d.get("VarCharValue") for d in r.get("Data", [])) for r in result_set.get("Rows", [])]
        # Athena returns the column names as the first row of the first page of a SELECT.
        if first_page and page_rows and labels and list(page_rows[0]) == labels:
            page_rows = page_rows[1:]
        first_page = False
        rows.extend(page_rows)
        token = page.get("NextToken")
        if not token:
            return rows


def _to_rows(results: Sequence[Sequence[Any]], tag_keys: Sequence[str]) -> list[CostRow]:
    rows: list[CostRow] = []
    for record in results:
        month, account, service, currency, *tag_values, amount = record
        if amount is None:
            continue
        rows.append(
            CostRow(
                source=SOURCE,
                cloud="aws",
                account=str(account or ""),
                service=str(service or ""),
                month=str(month),
                tags={key: str(value or "") for key, value in zip(tag_keys, tag_values, strict=True)},
                amount=amount if isinstance(amount, Decimal) else Decimal(str(amount)),
                currency=str(currency or "USD"),
            )
        )
    return rows


def read_cur(
    *,
    paths: Sequence[str] = (),
    start: date,
    end: date,
    group_by: Sequence[str],
    metric: str = "amortised",
    engine: str = "duckdb",
    table: CurTable | None = None,
    athena: AthenaOptions | None = None,
    session: boto3.Session | None = None,
    client: Any | None = None,
    attempts: int = 5,
    base_delay: float = 0.5,
    sleep: Callable[[float], Any] = time.sleep,
) -> SourceResult:
    """Read CUR 2.0 spend with DuckDB (``paths``) or Athena (``table`` in ``athena``'s workgroup)."""
    table = table or CurTable()
    tag_keys = [d for d in group_by if d not in NON_TAG_DIMENSIONS]
    sql = build_cur_sql(table, start=start, end=end, metric=metric, tag_keys=tag_keys)
    result = SourceResult(rows=[], gaps=[])
    try:
        if engine == "duckdb":
            inputs = expand_cur_paths(paths)
            if not inputs:
                raise InputError("--source aws-cur with --engine duckdb needs at least one --cur PATH")
            records, gaps = run_duckdb(sql, inputs, table=table, session=session, sleep=sleep, attempts=attempts)
            result.gaps.extend(gaps)
        elif engine == "athena":
            athena_options = athena or AthenaOptions()
            records_text = run_athena(
                sql,
                table=table,
                options=athena_options,
                client=client if client is not None else athena_client(session),
                sleep=sleep,
                attempts=attempts,
                base_delay=base_delay,
            )
            records = [tuple(r) for r in records_text]
        else:
            raise InputError(f"unknown --engine {engine!r}; expected duckdb or athena")
    except ExpiredCredentialsError as error:
        result.credentials_expired = True
        result.gaps.append(str(error))
        return result
    except ReportSourceError as error:
        result.gaps.append(str(error))
        return result
    result.rows.extend(_to_rows(records, tag_keys))
    return result
