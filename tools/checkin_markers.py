"""``make migrate-checkins``: key the first-visit markers stored before check-in keys.

Markers written by earlier versions hold the phone's salted hash of a nickname in their
key; since the salt is public, a guessed nickname could be tested against them. This
command replaces each such marker by its keyed twin (HMAC with the organisation's
secret check-in key) in one transaction, keeping its expiry, so every count stays as
it was. It is safe to run while the stack serves check-ins (a check-in also recognises
a legacy marker until it is moved) and to run again (it then finds nothing).

It talks to DynamoDB Local by default (``LOGBOOK_DYNAMODB_ENDPOINT``, else
``http://127.0.0.1:8001``); ``--endpoint ''`` means AWS's own endpoint, with the data
table from ``LOGBOOK_DATA_TABLE`` or ``--data-table``.
"""

from __future__ import annotations

import argparse
import sys

import boto3

from chalicelib.services import Services
from chalicelib.settings import get_settings

DEFAULT_ENDPOINT = "http://127.0.0.1:8001"


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", default=settings.dynamodb_endpoint or DEFAULT_ENDPOINT)
    parser.add_argument("--data-table", default=settings.data_table)
    args = parser.parse_args(argv)
    resource = boto3.resource(
        "dynamodb", region_name=settings.region, endpoint_url=args.endpoint or None
    )
    services = Services(resource.Table(args.data_table), settings)
    result = services.survey_answers.rekey_checkin_markers()
    print(
        f"re-keyed {result.moved} first-visit marker(s); dropped {result.merged} whose keyed "
        "twin already existed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
