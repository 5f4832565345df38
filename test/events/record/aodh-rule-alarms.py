#!/usr/bin/python3
"""Produces Aodh alarm webhook bodies for the rule-based evaluators by running the INSTALLED aodh code.

Debian bookworm python3-aodh 15.0.0 (Zed), end to end in one process, exactly the production path:
  real evaluator (.evaluate(alarm))                          aodh/evaluator/{gnocchi,composite,loadbalancer}.py
  -> real queue.AlarmNotifier ('alarm.update' notification)   aodh/queue.py, oslo.messaging fake:// transport
  -> real AlarmNotifierService + AlarmEndpoint (aodh-notifier) aodh/notifier/__init__.py
  -> real RestAlarmNotifier -> HTTP POST                      aodh/notifier/rest.py
  -> a local listener that keeps the exact body bytes and headers (aodh_capture.py).
Alarm rules are normalised by the real API code (CompositeRule.validate, MetricOfResourceRule.as_dict,
LoadBalancerMemberHealthRule.as_dict). Only the data sources are stubbed: Gnocchi measures, the Octavia
member list (the member is Octavia's own api-ref example, api-ref/source/v2/examples/members-list-response.json,
with operating_status ERROR so that the evaluator counts it) and alarm storage.

Usage: /usr/bin/python3 test/events/record/aodh-rule-alarms.py   (writes test/events/aodh/generated-*.json)
"""
import datetime
import sys
import tempfile
import uuid

sys.dont_write_bytecode = True  # keep test/events/record free of __pycache__

from oslo_utils import timeutils

import aodh.evaluator.gnocchi as gnocchi_evaluator
from aodh.api.controllers.v2.alarm_rules import composite as composite_rule
from aodh.api.controllers.v2.alarm_rules import gnocchi as gnocchi_rule
from aodh.api.controllers.v2.alarm_rules import loadbalancer as lb_rule
from aodh.evaluator import composite, loadbalancer

from aodh_capture import Capture

SERVER_ID = '3bd67d07-7f0a-477c-a869-964e212f5c8d'  # ev-vm1 of the lab (fixtures/nova-server-create-ev-vm1.json)
LAB_ASG_STACK_ID = '4607368e-b2ad-4d09-8716-820dc9ca4528'  # lab stack a1 (fixtures/heat-asg-create.json)
LAB_ASG_ID = '0271f788-f87c-4f5b-aaca-fbdc16b91c3a'  # its OS::Heat::AutoScalingGroup (heat-asg-resources-nested.json)
OCTAVIA_POOL_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, 'stackmend:aodh-record:pool'))  # the lab has no Octavia
OCTAVIA_MEMBER = {  # Octavia api-ref members-list-response.json, operating_status NO_MONITOR -> ERROR
    "monitor_port": 8080, "project_id": "e3cd678b11784734bc366148aa37580e", "name": "web-server-1", "weight": 20,
    "backup": False, "admin_state_up": True, "subnet_id": "bbb35f84-35cc-4b2f-84c2-a6a29bba68aa",
    "created_at": "2017-05-11T17:21:34", "provisioning_status": "ACTIVE", "monitor_address": None,
    "updated_at": "2017-05-11T17:21:37", "address": "192.0.2.16", "protocol_port": 80,
    "id": "957a1ace-1bd2-449b-8455-820b6e4b63f3", "operating_status": "ERROR", "tags": ["test_tag"],
    "vnic_type": "normal"}
CPU_RULE = dict(type='gnocchi_resources_threshold', metric='cpu_util', resource_id=SERVER_ID,
                resource_type='instance', aggregation_method='mean', threshold=80.0, comparison_operator='gt',
                evaluation_periods=3, granularity=60)


class Measures:
    """Stands in for gnocchiclient: get_measures answers [timestamp, granularity, value] points."""
    values = []

    class metric:
        @staticmethod
        def get_measures(**kwargs):
            now = timeutils.utcnow().replace(second=0, microsecond=0)
            points = Measures.values
            return [[(now - datetime.timedelta(minutes=len(points) - i)).isoformat() + '+00:00', 60.0, v]
                    for i, v in enumerate(points)]


class Storage:
    def update_alarm(self, alarm):
        return alarm


class Octavia:
    def member_list(self, pool_id):
        return {'members': [OCTAVIA_MEMBER]}


def evaluator_for(cls, conf):
    evaluator = cls(conf)
    evaluator.storage_conn = Storage()
    return evaluator


def main():
    gnocchi_evaluator.client.Client = lambda *a, **k: Measures  # Gnocchi is a stubbed data source
    with tempfile.TemporaryDirectory() as tmp:
        cap = Capture(tmp)

        # gnocchi_resources_threshold: insufficient data -> alarm (3 points > 80) -> ok (3 points < 80)
        rule = gnocchi_rule.MetricOfResourceRule(**{k: v for k, v in CPU_RULE.items() if k != 'type'}).as_dict()
        alarm = cap.alarm('ev-vm1-cpu-high', 'gnocchi_resources_threshold', rule, 'moderate')
        threshold = evaluator_for(gnocchi_evaluator.GnocchiResourceThresholdEvaluator, cap.conf)
        for values, label in (([91.0, 95.5, 92.5], 'threshold-alarm'), ([12.0, 10.5, 9.0], 'threshold-ok')):
            Measures.values = values
            threshold.evaluate(alarm)
            cap.expect(label)

        # composite: (cpu > 80) or (memory > 60) on the same server: insufficient data -> alarm
        composite_rule.CompositeRule()  # loads the rule plugins, as the API does at start
        memory = dict(CPU_RULE, metric='memory.usage', threshold=60.0)
        rule = composite_rule.CompositeRule.validate({'or': [dict(CPU_RULE), memory]})
        alarm = cap.alarm('ev-vm1-overloaded', 'composite', rule, 'critical')
        Measures.values = [91.0, 95.5, 92.5]
        evaluator_for(composite.CompositeEvaluator, cap.conf).evaluate(alarm)
        cap.expect('composite-alarm')

        # loadbalancer_member_health: insufficient data -> alarm (one member in ERROR)
        rule = lb_rule.LoadBalancerMemberHealthRule(
            pool_id=OCTAVIA_POOL_ID, stack_id=LAB_ASG_STACK_ID, autoscaling_group_id=LAB_ASG_ID).as_dict()
        alarm = cap.alarm('web-pool-member-health', 'loadbalancer_member_health', rule, 'critical')
        lb = evaluator_for(loadbalancer.LoadBalancerMemberHealthEvaluator, cap.conf)
        lb._lb_client = Octavia()
        lb.evaluate(alarm)
        cap.expect('loadbalancer-alarm')

        cap.write('generated-rule-requests.json')


if __name__ == '__main__':
    main()
