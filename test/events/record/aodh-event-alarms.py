#!/usr/bin/python3
"""Produces Aodh event-alarm webhook bodies for `compute.instance.update` with the INSTALLED code
(Debian bookworm: python3-ceilometer 19.0.0, python3-aodh 15.0.0, python3-oslo.messaging), from the
lab's recorded Nova notification test/events/nova/legacy/compute.instance.update.json:
  oslo.messaging amqp.unpack_context + NotificationDispatcher._extract_user_message (what the listener does)
  -> ceilometer EventEndpoint.info (event_definitions.yaml of the package)  ceilometer/pipeline/event.py
  -> ceilometer publisher message_from_event (signed), JSON round trip      ceilometer/publisher/utils.py
  -> aodh EventAlarmEvaluator.evaluate_events (what aodh-listener runs)     aodh/evaluator/event.py
  -> aodh-notifier -> RestAlarmNotifier -> HTTP POST (aodh_capture.py).
Two deliveries: the recorded notification as is (state "deleted"), and the same notification with
`state: error, old_state: active` — what Nova sends on a reset-state to error (lab README: "an Aodh event
alarm on it fires ~0.1 s later"), which the lab saw but did not keep. Only that one field pair is changed.

Usage: /usr/bin/python3 test/events/record/aodh-event-alarms.py
"""
import copy
import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # keep test/events/record free of __pycache__

from oslo_messaging._drivers import amqp
from oslo_messaging.notify import dispatcher
from oslo_messaging import serializer
from oslo_serialization import jsonutils

from ceilometer.pipeline import event as ceilometer_event
from ceilometer.publisher import utils as publisher_utils
from ceilometer import service as ceilometer_service

from aodh.evaluator import event as aodh_event

from aodh_capture import Capture, PROJECT_ID

NOTIFICATION = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'nova', 'legacy',
                            'compute.instance.update.json')


class Incoming:
    def __init__(self, wire):
        message = copy.deepcopy(wire)
        self.ctxt = amqp.unpack_context(message).to_dict()
        self.message = message


class Events:
    """The ceilometer publisher seam: keeps the events the pipeline would publish."""
    def __init__(self):
        self.events = []

    def __enter__(self):
        return self.events.append

    def __exit__(self, *exc):
        return False


class AlarmStorage:
    def __init__(self, alarms):
        self.alarms = alarms

    def get_alarms(self, **kwargs):
        return [a for a in self.alarms if a.project_id == kwargs.get('project_id')]

    def update_alarm(self, alarm):
        return alarm


def to_event_messages(conf, wire):
    """Nova notification (wire dict) -> what ceilometer publishes to aodh-listener."""
    listener = dispatcher.NotificationDispatcher([], serializer.NoOpSerializer())
    _priority, _incoming, notification = listener._extract_user_message(Incoming(wire))
    published = Events()
    ceilometer_event.EventEndpoint(conf, published).info([notification])
    messages = [publisher_utils.message_from_event(e, conf.publisher.telemetry_secret) for e in published.events]
    return jsonutils.loads(jsonutils.dumps(messages))  # the RabbitMQ hop serialises with oslo jsonutils


def main():
    with open(NOTIFICATION) as f:
        recorded = json.load(f)
    failed = copy.deepcopy(recorded)
    failed['payload'].update(state='error', old_state='active')
    server_id = recorded['payload']['instance_id']
    ceilometer_conf = ceilometer_service.prepare_service(argv=[], config_files=[])
    with tempfile.TemporaryDirectory() as tmp:
        cap = Capture(tmp)
        watch = lambda *query: {'event_type': 'compute.instance.update', 'query': [
            {'field': 'traits.instance_id', 'op': 'eq', 'type': 'string', 'value': server_id}, *query]}
        any_update = cap.alarm('grp-1-updated', 'event', watch(), 'low')
        to_error = cap.alarm('grp-1-error', 'event', watch(
            {'field': 'traits.state', 'op': 'eq', 'type': 'string', 'value': 'error'}), 'critical')
        for alarm, wire, label in ((any_update, recorded, 'event-instance-update-deleted'),
                                   (to_error, failed, 'event-instance-update-error')):
            evaluator = aodh_event.EventAlarmEvaluator(cap.conf)
            evaluator.storage_conn = AlarmStorage([alarm])
            messages = to_event_messages(ceilometer_conf, wire)
            assert messages and messages[0]['traits'], 'ceilometer made no event'
            assert any(t[0] == 'project_id' and t[2] == PROJECT_ID for t in messages[0]['traits'])
            evaluator.evaluate_events(messages)
            cap.expect(label)
        cap.write('generated-event-requests.json')


if __name__ == '__main__':
    main()
