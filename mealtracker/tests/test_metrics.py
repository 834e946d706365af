"""Request ids in responses and logs, and the CloudWatch Embedded Metric Format lines, parsed as CloudWatch would."""

import datetime
import json
import logging
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.services.expenses import expense_create
from mealtracker import metrics
from mealtracker.logs import JsonLineFormatter
from mealtracker.request_context import RequestIdFilter


def emf_documents(text: str) -> list[dict]:
    """Every stdout line that is an EMF document, checked against the format's required shape."""
    documents = []
    for line in text.splitlines():
        if not line.startswith('{"_aws"'):
            continue
        document = json.loads(line)
        directive = document["_aws"]["CloudWatchMetrics"][0]
        assert isinstance(document["_aws"]["Timestamp"], int)
        assert directive["Namespace"] == "MealTracker"
        for dimension_set in directive["Dimensions"]:
            for dimension in dimension_set:
                assert isinstance(document[dimension], str)  # every dimension is a top-level string member
        for metric in directive["Metrics"]:
            assert isinstance(document[metric["Name"]], int | float)  # every metric has its value at top level
            assert metric["Unit"] in {"Count", "Milliseconds", "None"}
        documents.append(document)
    return documents


def metric_names(document: dict) -> set[str]:
    return {metric["Name"] for metric in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]}


def test_every_response_carries_a_request_id(client, db):
    first = client.get(reverse("health"))
    second = client.get(reverse("health"))
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_request_id_is_api_gateways_when_there_is_one(client, db):
    event = {"requestContext": {"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"}}
    response = client.get(reverse("health"), **{"lambda.event": event})
    assert response["X-Request-ID"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"


def test_a_request_writes_one_metrics_line_with_its_route_status_and_queries(client, db, capsys):
    capsys.readouterr()
    response = client.get(reverse("health"))
    [document] = emf_documents(capsys.readouterr().out)
    assert metric_names(document) == {"Requests", "Latency", "Status2xx", "ColdStart", "DBQueries", "DBTime"}
    assert document["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Route", "Service"]]
    assert document["Route"] == "health"
    assert document["Requests"] == 1
    assert document["Status2xx"] == 1
    assert document["DBQueries"] == 1  # the health check's SELECT 1
    assert document["Latency"] >= document["DBTime"] >= 0
    assert document["request_id"] == response["X-Request-ID"]


def test_status_class_and_unmatched_route(client, db, capsys):
    capsys.readouterr()
    client.get("/no-such-page/")
    [document] = emf_documents(capsys.readouterr().out)
    assert document["Status4xx"] == 1
    assert document["Route"] == "unmatched"


def test_cold_start_is_counted_once_per_process(client, db, capsys, monkeypatch):
    monkeypatch.setattr(metrics, "_cold", True)
    client.get(reverse("health"))
    client.get(reverse("health"))
    documents = emf_documents(capsys.readouterr().out)
    assert [document["ColdStart"] for document in documents[-2:]] == [1, 0]


def test_logging_a_meal_is_a_business_metric_once_committed(member, capsys, django_capture_on_commit_callbacks):
    capsys.readouterr()
    with django_capture_on_commit_callbacks(execute=True):
        expense_create(owner=member, amount=Decimal("12.00"), occurred_at=timezone.now() - datetime.timedelta(hours=1))
    [document] = [d for d in emf_documents(capsys.readouterr().out) if "MealsLogged" in d]
    assert document["MealsLogged"] == 1
    assert document["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Service"]]


def test_a_rolled_back_meal_counts_nothing(member, capsys, django_capture_on_commit_callbacks):
    capsys.readouterr()
    with django_capture_on_commit_callbacks(execute=False):
        expense_create(owner=member, amount=Decimal("12.00"), occurred_at=timezone.now() - datetime.timedelta(hours=1))
    assert not [d for d in emf_documents(capsys.readouterr().out) if "MealsLogged" in d]


@pytest.mark.parametrize(
    ("event", "metric"),
    [
        ("meal_submitted", "MealsSubmitted"),
        ("meal_approved", "MealsApproved"),
        ("import_applied", "ImportsApplied"),
        ("report_cache_hit", "ReportCacheHits"),
    ],
)
def test_business_events_have_their_metric(event, metric, capsys):
    capsys.readouterr()
    metrics.business_event(event)
    [document] = emf_documents(capsys.readouterr().out)
    assert document[metric] == 1


def test_an_ocr_read_records_its_confidence(capsys):
    capsys.readouterr()
    metrics.business_event("ocr_read", backend="tesseract", confidence=0.8734)
    [document] = emf_documents(capsys.readouterr().out)
    assert document["OcrReads"] == 1
    assert document["OcrConfidence"] == 0.8734
    assert document["backend"] == "tesseract"
    assert {"OcrReads", "OcrConfidence"} == metric_names(document)


def test_metrics_can_be_switched_off(settings, capsys):
    settings.METRICS_ENABLED = False
    capsys.readouterr()
    metrics.business_event("meal_logged")
    assert capsys.readouterr().out == ""


def test_every_log_line_of_a_request_names_its_id(client, db):
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(JsonLineFormatter().format(record))

    handler = Collect()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-page/")  # Django logs "Not Found" for it
    finally:
        logger.removeHandler(handler)
    assert lines
    assert all(json.loads(line)["request_id"] == response["X-Request-ID"] for line in lines)


def test_outside_a_request_the_log_id_is_a_dash():
    record = logging.makeLogRecord({"msg": "job ran"})
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_approving_is_a_business_metric(member, manager, monkeypatch):
    from expenses.choices import ExpenseStatus
    from expenses.services.approvals import expense_approve
    from expenses.tests.factories import ExpenseFactory

    recorded = []
    monkeypatch.setattr(metrics, "business_event_on_commit", lambda event, *args, **kwargs: recorded.append(event))
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED)
    expense_approve(expense=expense, actor=manager)
    assert recorded == ["meal_approved"]
