/** Views report what the shell needs for cursor effects (row count, page size, next own row) here. */
import { createContext, useContext } from 'react';
import type { ViewFacts } from '../ui-state.js';

export type FactsRef = { current: ViewFacts };
export const ViewFactsContext = createContext<FactsRef>({ current: { rows: 0, page: 1 } });
export const useViewFacts = (): FactsRef => useContext(ViewFactsContext);
