"""DynamoDB tables built from ``chalicelib/store/schema.py``, the single source of truth.

Key names, indexes, the stream view type and the TTL attribute all come from the
``TableDefinition``; this module only adds what matters in AWS: on-demand billing,
point-in-time recovery, deletion protection and keeping the data when a stack goes.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from chalicelib.store.schema import TableDefinition
from infra.checks import skip_checks


def _string_key(name: str) -> dynamodb.Attribute:
    # Every key in the schema is a string (see TableDefinition.create_table_kwargs).
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


def build_table(scope: Construct, definition: TableDefinition, table_name: str) -> dynamodb.Table:
    """A production table for ``definition``, named ``table_name``."""
    stream = dynamodb.StreamViewType[definition.stream] if definition.stream is not None else None
    table = dynamodb.Table(
        scope,
        f"{definition.logical_name.capitalize()}Table",
        table_name=table_name,
        partition_key=_string_key(definition.partition_key),
        sort_key=_string_key(definition.sort_key) if definition.sort_key else None,
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        deletion_protection=True,
        stream=stream,
        time_to_live_attribute=definition.ttl_attribute,
        removal_policy=RemovalPolicy.RETAIN,
    )
    skip_checks(table, "CKV_AWS_119")
    for index in definition.global_indexes:
        table.add_global_secondary_index(
            index_name=index.name,
            partition_key=_string_key(index.partition_key),
            sort_key=_string_key(index.sort_key),
            projection_type=dynamodb.ProjectionType.ALL,
        )
    return table
