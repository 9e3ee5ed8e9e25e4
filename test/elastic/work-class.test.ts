/** Elastic's work classes (thread planning only): the declared query language of a rule file. */
import { describe, expect, it } from 'vitest';
import { elasticWorkClass } from '../../src/vendors/elastic/index.js';

describe('elasticWorkClass', () => {
  it('reads the declared language of a detection-rules TOML file', () => {
    expect(elasticWorkClass('[metadata]\ncreation_date = "2024/01/01"\n\n[rule]\nlanguage = "eql"\nquery = \'\'\'\nprocess where true\n\'\'\'\n', 'elastic-toml')).toBe('eql');
    expect(elasticWorkClass('[rule]\nname = "x"\nlanguage = "KUERY"\n', 'elastic-toml')).toBe('kuery');
  });

  it("says 'none' when no language is declared or the line is not as expected", () => {
    expect(elasticWorkClass('[rule]\ntype = "machine_learning"\n', 'elastic-toml')).toBe('none');
    expect(elasticWorkClass('[rule]\nlanguage = "unterminated\n', 'elastic-toml')).toBe('none');
    expect(elasticWorkClass(`[rule]\nlanguage = "${'x'.repeat(40)}"\n`, 'elastic-toml')).toBe('none');
  });

  it('gives other formats their format (hunting files and exports mix languages)', () => {
    expect(elasticWorkClass('[hunt]\nlanguage = ["ES|QL"]\n', 'elastic-hunt-toml')).toBe('elastic-hunt-toml');
    expect(elasticWorkClass('{"language":"eql"}\n', 'elastic-ndjson')).toBe('elastic-ndjson');
  });
});
