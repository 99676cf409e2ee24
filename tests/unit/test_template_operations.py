"""The template bounds failures, alarms on them, limits the API function's rights and login rate."""

from __future__ import annotations

from typing import Any

import pytest

from local_runtime.template import load_template


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return dict(load_template()["Resources"])


def of_type(resources: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {key: value for key, value in resources.items() if value["Type"] == resource_type}


def get_att_target(value: Any) -> str:
    """The logical id in !GetAtt X.Arn."""
    target = value["Fn::GetAtt"]
    return str(target[0] if isinstance(target, list) else target.split(".")[0])


def test_the_api_function_can_neither_scan_nor_delete(resources: dict[str, Any]) -> None:
    policies = resources["ApiFunction"]["Properties"]["Policies"]
    assert not [p for p in policies if isinstance(p, dict) and "DynamoDBCrudPolicy" in p]
    actions = {
        action
        for policy in policies
        if isinstance(policy, dict) and "Statement" in policy
        for statement in policy["Statement"]
        for action in statement["Action"]
        if action.startswith("dynamodb:")
    }
    assert actions, "the API function reads and writes its tables"
    assert not {"dynamodb:*", "dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} & actions


def test_stream_mappings_are_bounded_bisected_and_routed_to_an_on_failure_queue(
    resources: dict[str, Any],
) -> None:
    streams = {
        name: event["Properties"]
        for function in of_type(resources, "AWS::Serverless::Function").values()
        for name, event in function["Properties"].get("Events", {}).items()
        if event["Type"] == "DynamoDB"
    }
    assert len(streams) == 3
    for name, properties in streams.items():
        assert properties["BisectBatchOnFunctionError"] is True, name
        assert 0 <= properties["MaximumRetryAttempts"] <= 10, name
        assert 60 <= properties["MaximumRecordAgeInSeconds"] <= 6 * 3600, name
        on_failure = properties["DestinationConfig"]["OnFailure"]
        assert on_failure["Type"] == "SQS", name
        assert resources[get_att_target(on_failure["Destination"])]["Type"] == "AWS::SQS::Queue", name


def test_any_message_in_a_dead_letter_or_on_failure_queue_raises_an_alarm(resources: dict[str, Any]) -> None:
    dead_letter = {
        get_att_target(queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        for queue in of_type(resources, "AWS::SQS::Queue").values()
        if "RedrivePolicy" in queue["Properties"]
    }
    on_failure = {
        get_att_target(event["Properties"]["DestinationConfig"]["OnFailure"]["Destination"])
        for function in of_type(resources, "AWS::Serverless::Function").values()
        for event in function["Properties"].get("Events", {}).values()
        if "DestinationConfig" in event.get("Properties", {})
    }
    alarmed = {
        get_att_target(alarm["Properties"]["Dimensions"][0]["Value"])
        for alarm in of_type(resources, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
        and alarm["Properties"]["Threshold"] == 0
        and alarm["Properties"]["ComparisonOperator"] == "GreaterThanThreshold"
    }
    assert len(dead_letter) == 3 and len(on_failure) == 1
    assert dead_letter | on_failure <= alarmed


def test_every_alarm_notifies_the_one_alarm_topic(resources: dict[str, Any]) -> None:
    alarms = of_type(resources, "AWS::CloudWatch::Alarm")
    metrics = {alarm["Properties"].get("MetricName") for alarm in alarms.values()}
    math = {
        query["MetricStat"]["Metric"]["MetricName"]
        for alarm in alarms.values()
        for query in alarm["Properties"].get("Metrics", [])
        if "MetricStat" in query
    }
    assert {"IteratorAge", "5XXError", "Errors", "Throttles", "ExecutionsFailed"} <= metrics | math
    assert {str(alarm["Properties"]["AlarmActions"]) for alarm in alarms.values()} == {
        "[{'Ref': 'AlarmTopic'}]"
    }
    assert resources["AlarmTopic"]["Type"] == "AWS::SNS::Topic"
    assert resources["AlarmEmailSubscription"]["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_every_function_has_a_log_group_with_retention(resources: dict[str, Any]) -> None:
    log_groups = of_type(resources, "AWS::Logs::LogGroup").values()
    named = {str(group["Properties"]["LogGroupName"]["Fn::Sub"]) for group in log_groups}
    for function in of_type(resources, "AWS::Serverless::Function"):
        assert f"/aws/lambda/${{{function}}}" in named, function
    assert all("RetentionInDays" in group["Properties"] for group in log_groups)


def test_login_is_rate_limited_per_ip_by_a_waf_acl_on_the_api_stage(resources: dict[str, Any]) -> None:
    (acl_id, acl), *others = of_type(resources, "AWS::WAFv2::WebACL").items()
    assert not others
    rules = [rule for rule in acl["Properties"]["Rules"] if "RateBasedStatement" in rule["Statement"]]
    assert len(rules) == 1
    statement = rules[0]["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP"
    assert statement["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/api/v1/auth/login"
    assert rules[0]["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    (association,) = of_type(resources, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert "/restapis/${GatewayApi}/stages/prod" in association["Properties"]["ResourceArn"]["Fn::Sub"]


def test_merchant_indexes_project_only_what_authentication_and_login_read(resources: dict[str, Any]) -> None:
    indexes = resources["MerchantsTable"]["Properties"]["GlobalSecondaryIndexes"]
    projections = {index["IndexName"]: index["Projection"] for index in indexes}
    # Keys (id, and the index's own key) are always projected.
    assert projections["by_api_key"] == {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": ["api_secret", "is_active"],
    }
    assert projections["by_email"] == {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": ["name", "api_key", "api_secret", "is_active", "password_hash"],
    }
