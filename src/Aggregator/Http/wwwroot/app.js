// The aggregator's live tail page, wired together: records from the connection go into the log and tell the
// side panel when to look again; a filter change redraws the log.

import { openConnection } from './connection.js';
import { watchFilters } from './filters.js';
import { addRecord, redraw, watchLogControls } from './log-view.js';
import { markStale, noticeRecord, refreshNodes, showNodes } from './side-panel.js';

watchFilters(redraw);
watchLogControls();
openConnection({
  record: (r) => { addRecord(r); noticeRecord(r); },
  nodes: showNodes,
  poll: refreshNodes,
  state: (state) => markStale(state !== 'connected'),
});
