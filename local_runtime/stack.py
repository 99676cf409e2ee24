"""The running local stack: emulator, provisioned resources, seed, servers and workers, in start order."""

from __future__ import annotations

import logging
import os
import threading
from http.server import HTTPServer
from typing import Any

from local_runtime import console, priority
from local_runtime.api_server import ApiServer, RouteTable
from local_runtime.control import TOKEN_HEADER, ControlServer, control_token
from local_runtime.emulator import Emulator
from local_runtime.functions import load_handler
from local_runtime.lambda_invoke import LambdaInvokeServer
from local_runtime.pollers import SCHEDULE_RATE_VARIABLE, Workers
from local_runtime.ports import Ports, StartupError
from local_runtime.provision import account_id, provision, register_event_source_mappings
from local_runtime.static_sites import static_site_server
from local_runtime.template import DEFAULT_STACK_NAME, REPO_ROOT, Template, load_template
from test_merchant.server import server_from_environment

log = logging.getLogger("runtime")

FUNCTION_OVERRIDE_PREFIX = "LOCAL_OVERRIDE_"


class Stack:
    def __init__(self, ports: Ports) -> None:
        self.ports = ports
        self.emulator = Emulator()
        self.servers: list[HTTPServer] = []
        self.workers: Workers | None = None
        self.control_token = control_token()
        self.environment: dict[str, str] = {}
        self.urls = {
            "apiUrl": f"http://localhost:{ports.api}",
            "checkoutUrl": f"http://localhost:{ports.checkout}",
            "dashboardUrl": f"http://localhost:{ports.dashboard}",
            "merchantUrl": f"http://localhost:{ports.merchant}",
        }

    def start(self) -> None:
        document = load_template()  # before any thread starts: it forks
        priority.install()  # before any AWS client is made: each copies the handlers when made
        self.emulator.start()
        template = Template(
            document,
            stack_name=os.environ.get("STACK_NAME") or DEFAULT_STACK_NAME,
            account_id=account_id(),
        )
        physical = provision(template)
        if self.emulator.kind == "moto":
            register_event_source_mappings(template, physical)
        else:
            # LocalStack's host mode runs no Lambda, and its mappings would poll the queues themselves:
            # with no mappings listed the API cannot tell whether the workers run.
            physical.update(
                {logical_id: {"Ref": ""} for *_, logical_id in template.event_source_mapping_ids()}
            )
        # Before any function reads its settings: the API names the checkout in payment link URLs, and the
        # sample merchant calls the API and answers the checkout's origin.
        os.environ.setdefault("GATEWAY_API_URL", self.urls["apiUrl"])
        os.environ.setdefault("CHECKOUT_URL", self.urls["checkoutUrl"])
        os.environ.setdefault("DASHBOARD_URL", self.urls["dashboardUrl"])  # where password links point
        self._apply_function_environment(template, physical)
        self._seed_test_merchant()

        api_spec = template.function("ApiFunction")
        api_handler = load_handler(api_spec)
        if api_handler is None:
            raise StartupError(f"the API function ({api_spec.module}) does not import; see the warning above")
        settings = template.api_settings()
        self._serve(
            "api",
            ApiServer(
                self.ports.api,
                RouteTable(template.api_routes()),
                api_spec,
                api_handler,
                settings["stage"],
                settings["cors"],
            ),
        )
        for name, port, folder in (
            ("dashboard", self.ports.dashboard, "dashboard_site"),
            ("checkout", self.ports.checkout, "checkout_widget"),
        ):
            self._serve(name, static_site_server(name, port, REPO_ROOT / folder / "dist", self.urls))
        self._serve("merchant", server_from_environment(self.ports.merchant))

        self.workers = Workers(
            template,
            physical,
            sqs_concurrency=int(os.environ.get("WORKER_CONCURRENCY") or 3),
            schedule_rate_seconds=float(os.environ.get(SCHEDULE_RATE_VARIABLE) or 0) or None,
        )
        self.workers.start()
        self._serve("lambda", LambdaInvokeServer(self.ports.lambda_invoke, template))
        # Last: once the control port answers, every port of the stack is bound (devkit.live_stack waits
        # for that before it lets go of the ports it reserved).
        self._serve(
            "control", ControlServer(self.ports.control, self.workers, self.status, self.control_token)
        )

    def _apply_function_environment(self, template: Template, physical: Any) -> None:
        # Every function runs in this one process, so they share os.environ; the template gives them
        # the same Globals, and a function-level value that disagrees is reported, not silently lost.
        for spec in template.functions():
            for name, value in template.function_environment(spec, physical).items():
                if name in self.environment and self.environment[name] != value:
                    log.warning(
                        "%s sets %s=%s, others use %s", spec.logical_id, name, value, self.environment[name]
                    )
                self.environment.setdefault(name, value)
        # LOCAL_OVERRIDE_<NAME>=value replaces a function variable the template fixes (a test's short
        # RECONCILE_GRACE_SECONDS, say); the template's value stays what AWS runs.
        for name, value in os.environ.items():
            if name.startswith(FUNCTION_OVERRIDE_PREFIX) and len(name) > len(FUNCTION_OVERRIDE_PREFIX):
                self.environment[name[len(FUNCTION_OVERRIDE_PREFIX) :]] = value
        # The product's webhooks may reach loopback here (the sample receiver), but never the ports that
        # steer the stack itself: the control port and the Lambda Invoke port (the admin function).
        self.environment["WEBHOOK_REFUSED_PRIVATE_PORTS"] = f"{self.ports.control},{self.ports.lambda_invoke}"
        os.environ.update(self.environment)

    @staticmethod
    def _seed_test_merchant() -> None:
        try:
            from gateway.services.merchants import seed_test_merchant
        except ImportError as error:
            log.warning("test merchant not seeded: gateway.services.merchants is not ready (%s)", error)
            return
        seed_test_merchant()
        log.info("test merchant seeded")

    def _serve(self, name: str, server: HTTPServer) -> None:
        self.servers.append(server)
        serve_in_thread(name, server)

    def status(self) -> dict[str, Any]:
        aws = {
            name: os.environ[name]
            for name in (
                "AWS_ENDPOINT_URL",
                "AWS_DEFAULT_REGION",
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "MOTO_PORT",
            )
            if name in os.environ
        }
        if self.emulator.endpoint_url:
            aws["AWS_ENDPOINT_URL"] = self.emulator.endpoint_url
        return {
            "emulator": self.emulator.kind,
            "urls": self.urls,
            "workers": self.workers.status() if self.workers else {"running": False, "pollers": {}},
            "environment": {**self.environment, **aws},
        }

    def mode_description(self) -> str:
        """Test mode or not, and what that means for payments and retries (the banner's first line)."""
        if self.environment.get("TEST_MODE") == "true":
            delay = self.environment.get("TEST_PROCESSING_DELAY") or "1000"
            retries = (
                "5/10/15/20 s" if self.environment.get("WEBHOOK_RETRY_INTERVALS_TEST") == "true" else "1m-2h"
            )
            return f"TEST MODE: the bank answers after {delay} ms; webhook retries after {retries}"
        return "LIVE MODE (TEST_MODE=false): the bank takes 5-10 s and may decline; retries after 1m-2h"

    def service_lines(self) -> list[str]:
        workers = self.workers.status()["pollers"] if self.workers else {}
        return [
            f"mode       {self.mode_description()}",
            f"api        {self.urls['apiUrl']}",
            f"dashboard  {self.urls['dashboardUrl']}",
            f"checkout   {self.urls['checkoutUrl']}",
            f"merchant   {self.urls['merchantUrl']}  (webhook receiver: POST /webhook)",
            f"control    http://127.0.0.1:{self.ports.control}  (GET /status, POST /workers/stop|start;"
            f" header {TOKEN_HEADER}: {self.control_token})",
            f"lambda     http://127.0.0.1:{self.ports.lambda_invoke}  (Invoke: gateway admin merchants)",
            f"emulator   {self.emulator.endpoint_url}  ({self.emulator.kind})",
            f"workers    {', '.join(sorted(workers)) or 'none yet (handlers not importable)'}",
        ]

    def stop(self) -> None:
        if self.workers is not None:
            self.workers.stop(timeout=10)
        for server in self.servers:
            server.shutdown()
            server.server_close()
        self.emulator.stop()


def serve_in_thread(name: str, server: HTTPServer) -> threading.Thread:
    """Serves in a daemon thread; each request thread logs as component `name`."""
    handle_in_thread = getattr(server, "process_request_thread", None)
    if handle_in_thread is not None:

        def process_request_thread(request: Any, client_address: Any) -> None:
            console.set_component(name)
            handle_in_thread(request, client_address)

        server.process_request_thread = process_request_thread  # type: ignore[attr-defined]

    def serve() -> None:
        console.set_component(name)
        server.serve_forever(poll_interval=0.2)

    thread = threading.Thread(target=serve, name=name, daemon=True)
    thread.start()
    return thread
