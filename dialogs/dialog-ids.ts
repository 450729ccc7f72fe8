/** Ids of the engine's dialogs and prompts; one list so no two collide inside a dialog set. */
export const DIALOG = {
  root: 'root',
  intake: 'intake',
  intakeMain: 'intake.main',
  pickService: 'intake.pickService',
  collectFields: 'intake.collectFields',
  submit: 'intake.submit',
  status: 'status',
  myTickets: 'myTickets',
  followUp: 'followUp',
  smallTalk: 'smallTalk',
  language: 'language',
  linkPhone: 'linkPhone',
  myData: 'myData',
  myRecords: 'myRecords',
  bookAppointment: 'bookAppointment',
  myAppointments: 'myAppointments',
  verifyIdentity: 'verifyIdentity',
  actFor: 'actFor',
  forWhom: 'forWhom',
  eraseData: 'eraseData',
  handoff: 'handoff',
  csat: 'csat',
  answerQuestion: 'answerQuestion',
  backOfficeQuestions: 'intake.backOfficeQuestions',
} as const;

export const PROMPT = {
  choice: 'ask.choice',
  text: 'ask.text',
  location: 'ask.location',
  photo: 'ask.photo',
  contact: 'ask.contact',
  /** Any non-empty text (a back office's free-text question). */
  answer: 'ask.answer',
} as const;
