/** ATT&CK reference data as the normalizer and the catalog use it. Loaded from seeds/attack/ or a STIX bundle. */
export interface AttackTactic {
  /** `TA0002` */
  id: string;
  /** `execution` (the x_mitre_shortname) */
  shortname: string;
  name: string;
  /** Matrix column order. */
  order: number;
}

export interface AttackTechnique {
  /** `T1059` or `T1059.001` */
  id: string;
  name: string;
  /** Tactic ids (`TA0002`). */
  tactics: string[];
  /** Parent technique id for a sub-technique. */
  parent?: string;
  description?: string;
  platforms?: string[];
  revoked?: boolean;
  deprecated?: boolean;
  /** Replacement id when revoked. */
  revokedBy?: string;
  url?: string;
}

export interface AttackData {
  /** e.g. `enterprise-attack 18.1` */
  version: string;
  tactics: AttackTactic[];
  techniques: Record<string, AttackTechnique>;
}
