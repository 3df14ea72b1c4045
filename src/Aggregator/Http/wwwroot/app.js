// The aggregator's live tail page, wired together: records from the connection go into the log and tell the
// side panel when to look again; a filter change redraws the log; a new selector starts the log over.

import { openConnection } from './connection.js';
import { watchFilters } from './filters.js';
import { watchInputBox } from './input-box.js';
import { addRecord, clearLog, redraw, watchLogControls } from './log-view.js';
import { watchSelectorBox } from './selector-box.js';
import { markStale, noticeRecord, refreshNodes, showNodes } from './side-panel.js';

watchFilters(redraw);
watchLogControls();
watchSelectorBox(clearLog);
watchInputBox();
openConnection({
  record: (r) => { addRecord(r); noticeRecord(r); },
  nodes: showNodes,
  poll: refreshNodes,
  state: (state) => markStale(state !== 'connected'),
});
