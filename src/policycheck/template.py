"""The commented template ``policycheck new`` writes: valid as it stands, meant to be edited."""

TEMPLATE = """\
# A policycheck proposal (format: schema_version 1).
# Fill in what you know; leave out what you do not. Anything left out is
# reported as "insufficient information", never silently as zero.
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
threats: [hybrid, cyber]          # hybrid cyber disinformation foreign-interference migration organised-crime
                                  # terrorism conventional-military energy-security supply-chain ...
horizon_years: 5

# --- claims -------------------------------------------------------------------
# Each safeguard or commitment is a claim:
#   true / false                      asserted / explicitly absent
#   "a sentence"                      asserted
#   {statement: ..., evidence: [...]} evidenced (article of the text, link, source id): scores higher
safeguards:
  human_security: {statement: Human-security clause, evidence: ["Art. 3"]}
  democratic_conditionality: true
  local_consultation: false
  socio_economic_benefits: "Training is open to civil protection services."

regional:
  open_to_join: true              # may other regional states join?
  formats:                        # berlin-process belgrade-pristina-dialogue racviac sedm us-adriatic-charter ...
    - {format: berlin-process, how: Reported at the annual summit}
  coordination: true
  joint_planning: false
  interoperability: true

arms_control:
  srac_notification: false
  srac_compliance: true
  exercise_notification: true
  observers: false
  dispute_sensitivity: true

transparency:
  public_text: {statement: Published, evidence: ["https://example.org/agreement"]}
  reporting: {cadence: annual, audience: [parliament, public]}
  progress_indicators: true
  parliamentary_oversight: true
  neighbour_information_sharing: false

# --- external actors ------------------------------------------------------------
external_actors: []               # e.g. [{country: TR, involvement: supplier}]
"""
