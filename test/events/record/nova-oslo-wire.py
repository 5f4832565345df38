#!/usr/bin/python3
"""Rebuilds the RabbitMQ wire form of recorded Nova notifications with the INSTALLED oslo.messaging code.

The lab's peek-notifications.py drained Nova's queues and kept `json.loads(body["oslo.message"])`, so the
recorded samples (test/events/nova/{versioned,legacy}/) are the inner envelope. On the wire, oslo.messaging's
AMQP driver sends notifications with envelope=True (amqpdriver.py `_send`: `rpc_common.serialize_msg(msg)`),
serialised by kombu's json serializer. This applies those two real functions to the recorded messages.

Usage: /usr/bin/python3 test/events/record/nova-oslo-wire.py   (writes test/events/nova/wire/*.json)
"""
import json
import os
import sys

sys.dont_write_bytecode = True

from kombu.utils import json as kombu_json
from oslo_messaging._drivers import common as rpc_common

NOVA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'nova')
SAMPLES = ('versioned/service.update.json', 'versioned/instance.delete.end.json',
           'versioned/instance.update.json', 'legacy/compute.instance.delete.end.json')


def main():
    os.makedirs(os.path.join(NOVA, 'wire'), exist_ok=True)
    for sample in SAMPLES:
        with open(os.path.join(NOVA, sample)) as f:
            message = json.load(f)
        wire = kombu_json.dumps(rpc_common.serialize_msg(message))
        name = os.path.basename(sample)
        with open(os.path.join(NOVA, 'wire', name), 'w') as f:
            f.write(wire + '\n')
        print(f'wire/{name}', len(wire))


if __name__ == '__main__':
    main()
