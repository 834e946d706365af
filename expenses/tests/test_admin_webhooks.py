from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["webhookendpoint", "webhookdelivery", "expensechange"])
def test_back_office_lists_open_for_admins(web_client_for, site_admin, name):
    response = web_client_for(site_admin).get(reverse(f"admin:expenses_{name}_changelist"))
    assert response.status_code == HTTPStatus.OK


def test_managers_do_not_see_webhooks(web_client_for, manager):
    response = web_client_for(manager).get(reverse("admin:expenses_webhookendpoint_changelist"))
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_admin_registers_an_endpoint_on_a_public_address(web_client_for, site_admin):
    response = web_client_for(site_admin).post(
        reverse("admin:expenses_webhookendpoint_add"),
        {"url": "https://93.184.216.34/hooks", "events": ["expense.approved"], "secret": "", "is_active": "on"},
    )
    assert response.status_code == HTTPStatus.FOUND
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.events, endpoint.created_by, len(endpoint.secret) > 20) == (["expense.approved"], site_admin, True)


def test_admin_form_refuses_a_private_address(web_client_for, site_admin):
    response = web_client_for(site_admin).post(
        reverse("admin:expenses_webhookendpoint_add"),
        {"url": "https://169.254.169.254/latest", "events": ["expense.approved"], "secret": "", "is_active": "on"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "private, loopback or link-local" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_replay_action_queues_the_delivery_again(web_client_for, site_admin):
    endpoint = WebhookEndpoint.objects.create(url="https://93.184.216.34/h", secret="s", events=["batch.paid"])
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="batch.paid", event_id="e-9", payload={"id": "e-9"}, status="failed", attempts=8
    )
    web_client_for(site_admin).post(
        reverse("admin:expenses_webhookdelivery_changelist"),
        {"action": "replay_deliveries", "_selected_action": [delivery.pk]},
    )
    replay = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert (replay.status, replay.replay_of, replay.event_id, replay.attempts) == ("pending", delivery, "e-9", 0)
