// The OpenAPI shape of a persona's name history (persona-names.ts seenNameView).
import { z } from 'zod';

export const SeenNameSchema = z
  .object({
    name: z.string(),
    count: z.number().int().meta({ description: 'Times seen: statements naming the persona this way, API writes, import rows' }),
    firstSeen: z.string().meta({ format: 'date-time' }),
    lastSeen: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'SeenName' });

export const SeenNamesSchema = z.array(SeenNameSchema).meta({
  description: 'Every name seen for the persona and the personas merged into it, summed per name, most recently seen first (at most 100)',
});
