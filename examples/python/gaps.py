"""Every human-rights gap of the registry into a pandas DataFrame, two ways.

1. Through the GraphQL API: page through the `gaps` connection (100 at a time) and flatten
   each gap's nested fields by hand.
2. From the bulk export: two lines, `pandas.read_csv` on `/export/gaps.csv`.

Both must give the same rows; the script checks that, writes the table to a CSV file and exits
with status 1 if they differ.

    python gaps.py --url http://127.0.0.1:8000 --as-of 2024-01-01 --out human-rights-gaps.csv
"""

import argparse
import datetime
import sys

import pandas as pd
from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport

KIND = "HUMAN_RIGHTS_OBLIGATION"

# The columns both ways give, named as the export names them.
COLUMNS = [
    "id",
    "state",
    "provision",
    "status",
    "committed_since",
    "strength",
    "confidence",
    "attribution",
    "contradicting",
    "supporting",
]

GAPS = gql(
    """
    query ($after: String, $asOf: Date, $kinds: [ProvisionKind!]) {
      gaps(first: 100, after: $after, asOf: $asOf, filter: { kinds: $kinds }) {
        nodes {
          id
          state { code }
          provision { code }
          status
          committedSince
          strength
          confidence
          attribution
          contradicting { id }
          supporting { id }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
    """
)


def from_graphql(url: str, as_of: str) -> pd.DataFrame:
    """The cursor loop a researcher had to write before the export existed."""
    client = Client(transport=RequestsHTTPTransport(url=f"{url}/graphql", timeout=60))
    rows, after = [], None
    while True:
        page = client.execute(GAPS, variable_values={"after": after, "asOf": as_of, "kinds": [KIND]})
        for gap in page["gaps"]["nodes"]:
            rows.append(
                {
                    "id": gap["id"],
                    "state": gap["state"]["code"],
                    "provision": gap["provision"]["code"],
                    "status": gap["status"],
                    "committed_since": gap["committedSince"],
                    "strength": gap["strength"],
                    "confidence": gap["confidence"],
                    "attribution": gap["attribution"],
                    "contradicting": len(gap["contradicting"]),
                    "supporting": len(gap["supporting"]),
                }
            )
        info = page["gaps"]["pageInfo"]
        if not info["hasNextPage"]:
            return pd.DataFrame(rows, columns=COLUMNS)
        after = info["endCursor"]


def from_export(url: str, as_of: str) -> pd.DataFrame:
    """The same table from the bulk export: the whole of it is the next two lines."""
    gaps = pd.read_csv(f"{url}/export/gaps.csv?kinds={KIND}&asOf={as_of}",
                       dtype={"committed_since": "string"}, parse_dates=["committed_since_start", "committed_since_end"])
    return gaps


def same_rows(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Compares the shared columns as text, missing values as empty text."""
    def norm(df: pd.DataFrame) -> pd.DataFrame:
        return df[COLUMNS].astype("string").fillna("").sort_values("id").reset_index(drop=True)

    return norm(a).equals(norm(b))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the Normwatch server")
    parser.add_argument("--as-of", default=datetime.date.today().isoformat(), help="YYYY-MM-DD")
    parser.add_argument("--out", default="human-rights-gaps.csv", help="the CSV file to write")
    args = parser.parse_args()

    api = from_graphql(args.url, args.as_of)
    export = from_export(args.url, args.as_of)
    if len(api) == 0:
        print("no human-rights gaps: is the bundled data loaded?", file=sys.stderr)
        return 1
    if not same_rows(api, export):
        print(f"the API ({len(api)} rows) and the export ({len(export)} rows) differ", file=sys.stderr)
        return 1
    export.to_csv(args.out, index=False)
    contradicted = export[export["status"] == "CONTRADICTED"]
    print(f"{len(export)} human-rights gaps as of {args.as_of} ({len(contradicted)} CONTRADICTED), "
          f"the same through GraphQL and the export; written to {args.out}")
    print(f"commitments dated by year only: {(export['committed_since_precision'] == 'YEAR').sum()}; "
          f"earliest commitment day: {export['committed_since_start'].min():%Y-%m-%d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
