import { parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';
import { findLayerViolations, orderProblems, type LayerOrder } from '../../scripts/layer-rules.js';
import { LAYER_ORDERS } from '../../scripts/layers.js';

const root = 'test/fixtures/layers';
const order: LayerOrder = {
  name: 'fixture',
  complete: root,
  ranks: [[`${root}/base`], [`${root}/mid-a`, `${root}/mid-b`], [`${root}/top`]],
};

describe('the layer rule (npm run lint:layers)', () => {
  it('names each upward and sideways import with its file, and each file no unit holds', async () => {
    const tree = await parseDependencyTree([`${root}/**/*.ts`], { skipDynamicImports: false, transform: false, exclude: /node_modules/ });
    const found = findLayerViolations(tree, [order]);
    expect(found.map((v) => [v.file, v.request])).toEqual([
      [`${root}/base/upward.ts`, '../top/top.js'],
      [`${root}/mid-a/a.ts`, '../mid-b/b.js'],
      [`${root}/stray/stray.ts`, ''],
    ]);
    expect(found[0]?.message).toBe(
      `${root}/base/upward.ts imports '../top/top.js' (${root}/top/top.ts): ${root}/top is above ${root}/base in the fixture layer order`,
    );
    expect(found[1]?.message).toContain(`${root}/mid-b is beside ${root}/mid-a`);
    expect(found[2]?.message).toContain('is in no unit of the fixture layer order');
  });

  it('passes an order that is kept', async () => {
    const tree = await parseDependencyTree([`${root}/top/*.ts`, `${root}/mid-b/*.ts`], {
      skipDynamicImports: false,
      transform: false,
      exclude: /node_modules/,
    });
    const lenient: LayerOrder = { name: 'lenient', ranks: [[`${root}/base`], [`${root}/mid-b`], [`${root}/mid-a`], [`${root}/top`]] };
    expect(findLayerViolations(tree, [lenient])).toEqual([]);
  });

  it('lists each unit of the repository orders once', () => {
    expect(LAYER_ORDERS.flatMap(orderProblems)).toEqual([]);
    expect(orderProblems({ name: 'twice', ranks: [['a'], ['b', 'a']] })).toEqual(['twice: "a" is listed twice']);
  });
});
