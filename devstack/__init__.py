"""The embedded local stack (``make dev``): DynamoDB Local, the API, the stream pump,
the static site and the demo data. Development only: never imported by ``chalicelib``
and not shipped to Lambda.
"""
