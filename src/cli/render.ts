import type { HumanBlock } from '../control/command-spec.js';
import { renderFields, renderTable } from './table.js';

/** Turns the blocks a command describes into the text lanectl prints (ends with a newline). */
export function renderBlocks(blocks: readonly HumanBlock[]): string {
  if (blocks.length === 0) return '';
  const parts = blocks.map((block) => {
    switch (block.kind) {
      case 'text':
        return block.text;
      case 'fields':
        return renderFields(block.rows);
      case 'table':
        return renderTable(block.columns, block.rows);
    }
  });
  return `${parts.join('\n')}\n`;
}
