"""Terraform's WebSocket API reaches the function's environment (WEBSOCKET_URL, WEBSOCKET_MANAGEMENT_URL)."""

import pytest

from mealtracker.tests.test_zappa_settings import STAGES, outputs_of, rendered

WSS = "wss://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev"
MANAGEMENT = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev"


@pytest.mark.parametrize("name", STAGES)
def test_every_stage_root_exposes_the_websocket_outputs(name):
    assert {"websocket_url", "websocket_management_url"} <= outputs_of(name)


def test_the_websocket_api_is_handed_to_the_function():
    function_env = rendered({"websocket_url": WSS, "websocket_management_url": MANAGEMENT})["dev"][
        "aws_environment_variables"
    ]
    assert function_env["WEBSOCKET_URL"] == WSS
    assert function_env["WEBSOCKET_MANAGEMENT_URL"] == MANAGEMENT


def test_outputs_from_before_the_websocket_api_leave_pages_polling():
    function_env = rendered({})["dev"]["aws_environment_variables"]
    assert "WEBSOCKET_URL" not in function_env
    assert "WEBSOCKET_MANAGEMENT_URL" not in function_env
