"""The commented template ``policycheck new`` writes: valid as it stands, meant to be edited."""

TEMPLATE = """\
# A policycheck proposal (format: schema_version 1).
# Fill in what you know; leave out what you do not. Anything left out (or left
# as TBD) is reported as unknown, never silently as zero or as a risk.
# Run: policycheck assess THIS_FILE    Schema for editors: policycheck schema
schema_version: 1

# --- identity -------------------------------------------------------------
id: my-initiative                 # lower case, digits and dashes; unique in your repository
title: My defence-cooperation initiative
summary: >-
  One or two sentences on what the initiative does.
status: proposed                  # idea | proposed | negotiating | signed | in-force | suspended | ended
date: 2026-01-01                  # signature or announcement date (YYYY-MM-DD)
sources:                          # where the facts below come from
  - id: text
    title: Text of the agreement
    url: https://example.org/agreement

# --- who --------------------------------------------------------------------
# ISO 3166-1 alpha-2 codes; XK for Kosovo, EU for the Union itself.
lead: EU
participants:
  - {country: EU, role: lead}     # roles: lead signatory member partner observer supplier recipient funder facilitator
  - {country: AL, role: partner}

# --- what -------------------------------------------------------------------
instruments: [sdp]                # pesco eda safe epf sdp csdp-mission nato ... (see the reference data)
activities: [training, capacity-building]
# joint-exercises training military-education procurement arms-transfer industrial-cooperation
# raw-materials hybrid-threats cyber information-sharing intelligence-sharing capacity-building
# crisis-management mission-participation border-management counter-terrorism demining research infrastructure
equipment: []                     # for procurement or transfers, e.g.:
#  - {system: Leopard 2A8, category: battle-tank, quantity: 44, supplier: DE, recipient: HR}
#    categories: battle-tank armoured-combat-vehicle artillery combat-aircraft attack-helicopter
#                armed-drone unarmed-drone air-defence missile naval small-arms ammunition
#                electronic-warfare non-lethal other

# --- why and how long ---------------------------------------------------------
threats: []                      # hybrid cyber disinformation foreign-interference migration organised-crime
                                  # terrorism conventional-military energy-security supply-chain ...
# horizon_years: 10              # how many years the initiative is meant to run

# --- claims -------------------------------------------------------------------
# Each safeguard or commitment is a claim. Replace each TBD with what the text says:
#   true / false                      asserted / explicitly absent
#   "a sentence"                      asserted
#   {statement: ..., evidence: [...]} evidenced (article of the text, link, source id)
# A claim left as TBD (or N/A, -, unknown) is read as unknown, with a warning:
# it is left out of the score and widens its range. Delete what does not apply.
safeguards:
  human_security: TBD             # e.g. {statement: Human-security clause, evidence: ["Art. 3"]}
  democratic_conditionality: TBD
  local_consultation: TBD         # where land or resources are at stake
  socio_economic_benefits: TBD
  economic_interdependence: TBD
  regional_ownership: TBD         # priorities set with the region's states

regional:
  open_to_join: TBD               # may every other regional state join? (open_to: [ME, MK] if only some)
  # formats:                      # berlin-process belgrade-pristina-dialogue racviac sedm us-adriatic-charter ...
  coordination: TBD
  joint_planning: TBD
  interoperability: TBD
  avoids_duplication: TBD
  status_neutral: TBD             # where Kosovo takes part with a state that does not recognise it

arms_control:
  srac_notification: TBD
  srac_compliance: TBD
  exercise_notification: TBD
  observers: TBD
  dispute_sensitivity: TBD
  capability_transparency: TBD    # limits or notification for drones and other uncovered capabilities
  depoliticised: TBD              # directed at no third state, explained to those left out

transparency:
  public_text: TBD                # e.g. {statement: Published, evidence: ["https://example.org/agreement"]}
  # reporting: {cadence: annual, audience: [parliament, public]}   # cadence: none ad-hoc annual semi-annual quarterly monthly
  progress_indicators: TBD
  parliamentary_oversight: TBD
  neighbour_information_sharing: TBD

# --- external actors ------------------------------------------------------------
# external_actors: []             # [] when none; e.g. [{country: TR, involvement: supplier}]
"""
