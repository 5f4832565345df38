"""Shared by the aodh-*.py recorders: a local webhook listener, an aodh config that keeps everything
in-process (oslo.messaging fake:// transport) and the real aodh-notifier service that POSTs to it.
Run the recorders with Debian's /usr/bin/python3 (the aodh package is in /usr/lib/python3/dist-packages)."""
import http.server
import json
import os
import threading
import time
import uuid

from oslo_utils import timeutils

from aodh import notifier, service
from aodh.storage import models

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'aodh')
PROJECT_ID = '2f9fd6d25fa74e5ca14c6a9f0b458185'  # the lab's admin project
USER_ID = '3a4da9ea8dac42f0b4d290f6f8c61530'  # the lab's admin user


class Capture:
    """A local HTTP listener keeping each POST's exact body and headers, plus the real aodh-notifier."""

    def __init__(self, tmp):
        self.captures = []
        captures = self.captures

        class Hook(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers['content-length'])).decode('utf-8')
                captures.append({'path': self.path, 'headers': dict(self.headers.items()), 'body_raw': body})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(('127.0.0.1', 0), Hook)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}/aodh/generated'
        path = os.path.join(tmp, 'aodh.conf')
        with open(path, 'w') as f:
            f.write('[DEFAULT]\ntransport_url = fake://\nrecord_history = false\nevent_alarm_cache_ttl = 0\n'
                    '[service_credentials]\nauth_type = password\nauth_url = http://127.0.0.1:9/v3\n'
                    'username = aodh\npassword = unused\nproject_name = service\n'
                    'user_domain_id = default\nproject_domain_id = default\n')
        self.conf = service.prepare_service(argv=[], config_files=[path])
        self.notifier_service = notifier.AlarmNotifierService(0, self.conf)  # what aodh-notifier runs
        self.labels = []

    def alarm(self, name, alarm_type, rule, severity):
        now = timeutils.utcnow()
        return models.Alarm(
            alarm_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f'stackmend:aodh-record:{name}')), type=alarm_type,
            name=name, description=name, enabled=True, state='insufficient data', state_reason='Not evaluated yet',
            rule=rule, user_id=USER_ID, project_id=PROJECT_ID, time_constraints=[], timestamp=now,
            state_timestamp=now, ok_actions=[self.url], alarm_actions=[self.url],
            insufficient_data_actions=[self.url], repeat_actions=False, severity=severity, evaluate_timestamp=None)

    def expect(self, label, seconds=10):
        """Waits for the delivery that the evaluation just triggered and names it."""
        self.labels.append(label)
        end = time.time() + seconds
        while len(self.captures) < len(self.labels) and time.time() < end:
            time.sleep(0.05)
        if len(self.captures) < len(self.labels):
            raise SystemExit(f'no webhook delivery for {label}')

    def write(self, meta_name):
        self.notifier_service.terminate()
        self.server.shutdown()
        meta = []
        for label, capture in zip(self.labels, self.captures):
            name = f'generated-{label}.json'
            with open(os.path.join(OUT, name), 'w') as f:
                f.write(capture['body_raw'] + '\n')
            meta.append({'file': name, 'path': capture['path'], 'headers': capture['headers']})
            print(name, json.loads(capture['body_raw'])['reason'][:120])
        os.makedirs(os.path.join(OUT, 'meta'), exist_ok=True)
        with open(os.path.join(OUT, 'meta', meta_name), 'w') as f:
            json.dump(meta, f, indent=2)
            f.write('\n')
