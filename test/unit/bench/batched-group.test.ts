import { parse } from 'yaml';
import { batchedGroupTemplate, GROUP_TEMPLATE } from '../../../bench/scenario';

type Template = { resources: { group: { type: string; update_policy?: unknown; properties: unknown } } };

describe('the scale run’s cattle template', () => {
  it('is examples/heat/group.yaml with the group’s members created in batches', () => {
    const plain = parse(GROUP_TEMPLATE) as Template;
    const batched = parse(batchedGroupTemplate(25)) as Template;
    expect(batched.resources.group.update_policy).toEqual({ batch_create: { max_batch_size: 25, pause_time: 0 } });
    expect(batched.resources.group.properties).toEqual(plain.resources.group.properties);
    expect(batched.resources.group.type).toBe('OS::Heat::ResourceGroup');
  });
});
