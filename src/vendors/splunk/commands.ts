/** SPL command classes (Splunk Search Reference), used by the pipeline walk. */

/** Commands that start a search (written with a leading `|`). */
export const GENERATING = new Set(['tstats', 'mstats', 'from', 'datamodel', 'inputlookup', 'makeresults', 'rest', 'metadata', 'metasearch', 'dbinspect', 'eventcount', 'loadjob', 'savedsearch', 'pivot', 'inputcsv', 'multisearch', 'union', 'search', 'gentimes', 'mcatalog', 'walklex']);

/** Generating commands whose rows are not indexed events. */
export const NON_EVENT_GENERATING = new Set(['inputlookup', 'makeresults', 'rest', 'metadata', 'dbinspect', 'eventcount', 'loadjob', 'savedsearch', 'inputcsv', 'gentimes', 'mcatalog', 'walklex']);

/** Commands that aggregate events into groups: predicates after the first one are post-aggregation. */
export const AGGREGATING = new Set(['stats', 'eventstats', 'streamstats', 'chart', 'timechart', 'top', 'rare', 'sistats', 'sichart', 'sitimechart', 'geostats', 'transaction', 'tstats', 'mstats', 'xyseries', 'untable', 'contingency', 'associate', 'correlate']);

/** Commands that share the stats argument syntax. */
export const STATS_SYNTAX = new Set(['stats', 'eventstats', 'streamstats', 'sistats']);

/** Machine-learning / analytics commands: their outputs are not event fields. */
export const ANALYTICS = new Set(['apply', 'fit', 'anomalydetection', 'outlier', 'anomalousvalue', 'cluster', 'kmeans', 'predict', 'trendline', 'score', 'summary', 'anomalies']);

/** Commands that add rows from another search. */
export const SUBSEARCH_HOSTS = new Set(['join', 'append', 'appendpipe', 'appendcols', 'union', 'multisearch', 'set', 'selfjoin']);

/** Commands with no effect on which events match (formatting, field shaping, enrichment). */
export const NEUTRAL = new Set([
  'table', 'fields', 'dedup', 'sort', 'head', 'tail', 'convert', 'bin', 'bucket', 'mvexpand', 'makemv', 'fillnull', 'fieldformat', 'addinfo', 'replace', 'xmlkv',
  'kvform', 'extract', 'kv', 'multikv', 'fromjson', 'addtotals', 'reverse', 'nomv', 'strcat', 'accum', 'delta', 'autoregress', 'outputlookup', 'collect', 'sendalert',
  'spath', 'iplocation', 'eval', 'rex', 'rename', 'lookup', 'foreach', 'map', 'mvcombine', 'tojson', 'cyberchef', 'format', 'return', 'filldown', 'makecontinuous',
  'rangemap', 'typer', 'tags', 'xpath', 'xmlunescape', 'setfields', 'localize', 'addcoltotals', 'transpose', 'uniq', 'abstract', 'highlight', 'iconify', 'sendemail',
  'outputcsv', 'geom', 'geomfilter', 'fieldsummary', 'findtypes', 'makejson', 'bucketdir', 'cofilter', 'arules', 'concurrency', 'erex', 'gauge', 'rtorder', 'scrub',
  'searchtxn', 'shape', 'sichart', 'timewrap', 'convert', 'datamodelsimple', 'mvcount', 'inputintelligence', 'ipinfo', 'dnslookup', 'whois', 'risk',
]);
