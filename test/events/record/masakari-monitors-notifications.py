#!/usr/bin/python3
"""Produces Masakari notification bodies with the INSTALLED masakari-monitors code and its real sender.

Debian bookworm python3-masakari-monitors 14.0.0 (Zed) + python3-openstacksdk 0.101.0: each monitor's own
event builder runs, then masakarimonitors/ha/masakari.py SendNotification.send_notification sends it with
openstacksdk `instance_ha.create_notification` (keystoneauth `none` auth, endpoint = a local listener in this
script that answers like masakari-api: 202 and the created notification). The listener keeps the exact POST
body and headers.
  VM       instancemonitor/libvirt_handler/eventfilter.py EventFilter.vir_event_filter(<libvirt ids>)
  PROCESS  processmonitor/process_handler/handle_process.py HandleProcess._make_event('/usr/bin/nova-compute')
  HOST     hostmonitor/host_handler/handle_host.py HandleHost._make_event(host, 'offline'|'online'): with
           [host] disable_ipmi_check = True (no power check: host_status NORMAL), and with the check on, using
           the pacemaker CIB of the package's own unit test (tests/.../test_parse_cib_xml.py CIB_XML, host
           compute-node): ipmitool is not installed here, so the power-off check fails -> host_status UNKNOWN.
The monitored host is named compute1 (socket.gethostname is replaced: the monitors name their own host).

Usage: /usr/bin/python3 test/events/record/masakari-monitors-notifications.py   (writes test/events/masakari/)
"""
import socket
import sys

sys.dont_write_bytecode = True  # keep test/events/record free of __pycache__
socket.gethostname = lambda: 'compute1'

import masakarimonitors.conf  # noqa: E402  (first: the monitors monkey-patch with eventlet on import)
import json  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import libvirt  # noqa: E402  (python3-libvirt: the ids the instance monitor filters on)

from masakarimonitors.hostmonitor.host_handler import handle_host  # noqa: E402
from masakarimonitors.instancemonitor.libvirt_handler import eventfilter  # noqa: E402
from masakarimonitors.processmonitor.process_handler import handle_process  # noqa: E402
from masakarimonitors.tests.unit.hostmonitor.host_handler import test_parse_cib_xml  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'masakari')
SERVER_ID = '3bd67d07-7f0a-477c-a869-964e212f5c8d'  # ev-vm1 of the lab (fixtures/nova-server-create-ev-vm1.json)
CONF = masakarimonitors.conf.CONF
LISTENER = r"""
import http.server, json, sys
log, count = sys.argv[1], [0]
class MasakariApi(http.server.BaseHTTPRequestHandler):
    # Answers POST /v1/notifications like masakari-api 14 (202 + the notification); logs the request.
    def do_POST(self):
        raw = self.rfile.read(int(self.headers['content-length'])).decode('utf-8')
        with open(log, 'a') as f:
            f.write(json.dumps({'method': 'POST', 'path': self.path, 'headers': dict(self.headers.items()),
                                'body_raw': raw}) + '\n')
        count[0] += 1
        uuid = '00000000-0000-4000-8000-%012d' % count[0]
        self.answer(202, {'notification': dict(json.loads(raw)['notification'], id=count[0], status='new',
                                                notification_uuid=uuid)})
    def do_GET(self):  # version discovery, if the SDK tries it
        self.answer(404, {'error': 'not found'})
    def answer(self, status, body):
        data = json.dumps(body).encode('utf-8')
        self.send_response(status)
        self.send_header('content-type', 'application/json')
        self.send_header('content-length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(('127.0.0.1', 0), MasakariApi)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def read_captures(log):
    if not os.path.exists(log):
        return []
    with open(log) as f:
        return [json.loads(line) for line in f if line.strip()]


def expect(log, count, seconds=20):
    end = time.time() + seconds
    while len(read_captures(log)) < count and time.time() < end:
        time.sleep(0.05)
    if len(read_captures(log)) < count:
        raise SystemExit(f'expected {count} notifications, got {len(read_captures(log))}')


def main():
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, 'requests.jsonl')
        # A separate process: the monitors run under eventlet, which a listener thread here would block.
        api = subprocess.Popen([sys.executable, '-c', LISTENER, log], stdout=subprocess.PIPE, text=True)
        port = int(api.stdout.readline())
        try:
            labels = run_monitors(tmp, port, log)
            captures = read_captures(log)
        finally:
            api.terminate()
            api.wait()
    write(labels, captures)


def run_monitors(tmp, port, log):
    conf_file = os.path.join(tmp, 'masakarimonitors.conf')
    with open(conf_file, 'w') as f:
        f.write(f'[DEFAULT]\nhostname = compute1\n[api]\nauth_type = none\n'
                f'endpoint = http://127.0.0.1:{port}/v1\n'
                '[callback]\nretry_max = 0\n[process]\napi_retry_max = 0\n'
                '[host]\napi_retry_max = 0\nipmi_retry_max = 0\nipmi_timeout = 1\n')
    CONF([], project='masakarimonitors', default_config_files=[conf_file])

    labels = []
    vm = eventfilter.EventFilter()
    for label, args in (
            ('vm-lifecycle-stopped-failed', (libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                             libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                             libvirt.VIR_DOMAIN_EVENT_STOPPED_FAILED)),
            ('vm-io-error-report', (libvirt.VIR_DOMAIN_EVENT_ID_IO_ERROR,
                                    libvirt.VIR_DOMAIN_EVENT_IO_ERROR_REPORT, -1)),
            ('vm-lifecycle-stopped-shutdown', (libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                               libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                               libvirt.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN))):
        vm.vir_event_filter(*args, SERVER_ID)  # sends from a thread, as in production
        labels.append(label)
        expect(log, len(labels))

    process = handle_process.HandleProcess()
    process.notifier.send_notification(0, 0, process._make_event('/usr/bin/nova-compute'))
    labels.append('process-nova-compute-stopped')
    expect(log, len(labels))

    host = handle_host.HandleHost()
    host.xml_parser.set_cib_xml(test_parse_cib_xml.CIB_XML)
    for label, name, status, disable_ipmi_check in (
            ('host-stopped-no-ipmi-check', 'compute2', 'offline', True),
            ('host-stopped-ipmi-unknown', 'compute-node', 'offline', False),
            ('host-started', 'compute2', 'online', True)):
        CONF.set_override('disable_ipmi_check', disable_ipmi_check, group='host')
        host.notifier.send_notification(0, 0, host._make_event(name, status))
        labels.append(label)
        expect(log, len(labels))
    return labels


def write(labels, captures):
    meta = []
    for label, capture in zip(labels, captures):
        name = f'generated-{label}.json'
        with open(os.path.join(OUT, name), 'w') as f:
            f.write(capture['body_raw'] + '\n')
        meta.append({'file': name, 'method': capture['method'], 'path': capture['path'], 'headers': capture['headers']})
        print(name, capture['body_raw'])
    os.makedirs(os.path.join(OUT, 'meta'), exist_ok=True)
    with open(os.path.join(OUT, 'meta', 'generated-requests.json'), 'w') as f:
        json.dump(meta, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
