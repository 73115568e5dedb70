import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { recordMaterialization } from '../../../src/featurestore/metrics';
import { parseFeatureView, parseFeatureViewsSection } from '../../../src/featurestore/spec';
import { parsePipelineSpec } from '../../../src/pipeline/spec';

const view = { name: 'customer-activity', entity: 'customer_id', source: 's3://lake/activity.parquet', timestamp: 'event_time', features: ['balance', 'segment'], ttl: '30d' };

describe('feature view specs', () => {
  it('normalises single names to lists and versions by content, whatever the key order', () => {
    const a = parseFeatureView(view);
    expect(a.view.entity).toEqual(['customer_id']);
    const reordered = Object.fromEntries(Object.entries(view).reverse());
    expect(parseFeatureView(reordered).version).toBe(a.version);
    expect(parseFeatureView({ ...view, ttl: '31d' }).version).not.toBe(a.version);
    expect(a.version).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says what is wrong and suggests the fix', () => {
    expect(() => parseFeatureView({ ...view, featurs: ['x'] })).toThrow(/feature view "customer-activity" is invalid:\n {2}unknown field "featurs"; did you mean "features"\?/);
    expect(() => parseFeatureView({ ...view, ttl: '30 days' })).toThrow(/ttl: expected a duration such as "12h" or "30d"/);
    expect(() => parseFeatureView({ ...view, ttl: '0d' })).toThrow(/ttl: a TTL of zero keeps no value/);
    expect(() => parseFeatureView({ ...view, features: ['balance', 'customer_id'] })).toThrow(/features\[1\]: "customer_id" is an entity key column/);
    expect(() => parseFeatureView({ ...view, features: ['event_time'] })).toThrow(/features\[0\]: "event_time" is the timestamp column/);
    expect(() => parseFeatureView({ ...view, name: 'Customer Activity' })).toThrow(/name: expected lowercase letters/);
    expect(() => parseFeatureView('customer-activity')).toThrow(/a feature view is an object such as defineFeatureView/);
  });

  it('refuses two views of a pipeline that would produce the same column', () => {
    const other = { ...view, name: 'other', features: ['segment'] };
    expect(() => parseFeatureViewsSection({ timestamp: 't', views: [view, other], onMissing: 'error' })).toThrow(/feature "segment" comes from both "customer-activity" and "other"/);
  });

  it('is a section of the pipeline spec, validated with it', () => {
    const spec = parsePipelineSpec({ name: 'churn', source: '/data/labels.csv', target: 'status', model: { algorithm: 'logistic_regression' }, featureViews: { timestamp: 'label_time', views: [view] } });
    expect(spec.featureViews).toMatchObject({ timestamp: 'label_time', onMissing: 'error' });
    expect(() => parsePipelineSpec({ name: 'churn', source: '/x.csv', target: 'y', model: { algorithm: 'logistic_regression' }, featureViews: { timestamp: 't', views: [], onMising: 'x' } })).toThrow(/featureViews/);
  });
});

describe('feature store metrics', () => {
  it('reports rows and a lag that grows from the watermark', async () => {
    const registry = new client.Registry();
    recordMaterialization(registry, { view: 'v', watermark: new Date(Date.now() - 120_000).toISOString(), onlineRows: 42, changed: 7 });
    const text = await registry.metrics();
    expect(text).toMatch(/bosun_feature_online_rows\{view="v"\} 42/);
    expect(text).toMatch(/bosun_feature_rows_written_total\{view="v"\} 7/);
    const lag = Number(/bosun_feature_materialization_lag_seconds\{view="v"\} ([\d.]+)/.exec(text)![1]);
    expect(lag).toBeGreaterThanOrEqual(120);
    expect(lag).toBeLessThan(180);
  });
});
