import { BROADER_LEXICON } from './broader-lexicon';
import { mergeLexicon, type EmergencyLexicon } from './lexicon';

/**
 * The built-in emergency lexicon for es (Spain and Argentina), ca and en. Cities add to it in the
 * catalog (`emergencies.concepts` / `emergencies.signals`). Read lexicon.ts for the term syntax.
 *
 * Read this before changing: every term here was weighed against ordinary reports that share its words
 * (tests/fixtures/emergency/*.jsonl). Run `npx vitest run tests/emergency` after any change: recall on
 * the held-out split and zero false alarms are asserted.
 */
const BASE_LEXICON: EmergencyLexicon = {
  context: ['self', 'person', 'presence', 'animal', 'structure', 'cable', 'cableLive', 'electric', 'ground', 'smokeCue', 'weapon', 'fragment'],
  concepts: {
    // ---- modifiers ----
    known: ['leisure', 'pleasure', 'measure', 'treasure', 'quemado', 'quemada', 'quemados', 'quemadas', 'quedando', 'llamar', 'llamada', 'cremada', 'cremat'],
    exclude: [
      'boca de incendi*', 'bocas de incendi*', 'fire alarm', 'fire alarms', 'alarma d incendis', 'boca de riego', 'hidrante', 'salida de incendios', 'salidas de incendios', 'escalera de incendios', 'prevencion de incendios', 'incendio de precios', 'incendio de precio',
      'fuegos artificiales', 'fuego artificial', 'a fuego lento', 'alto el fuego', 'cortafuegos', 'detector de humo', 'detectores de humo', 'alarma de humo', 'alarma de incendios', 'humo de tabaco', 'humo del tabaco', 'humo de los coches',
      'humo de la barbacoa', 'humo de barbacoa', 'humo de las barbacoas', 'humo de los autobuses', 'humo del autobus', 'tubo de escape', 'tubos de escape', 'humo de los fumadores', 'humo de cigarro', 'humo de cigarrillo', 'humo de porros',
      'estoy echando humo', 'estoy que echo humo', 'echa humo de la rabia', 'esta que arde', 'estan que arden', 'esto arde', 'me muero de risa', 'me muero de hambre', 'me muero de calor', 'me muero de sueno', 'me muero de ganas', 'me mata el calor',
      'me ahogo de calor', 'nos ahogamos de calor', 'ahogado en deudas', 'ahogada en deudas', 'ahogando en deudas', 'ahogados en papeles', 'pistola de agua', 'pistolas de agua', 'pistola de silicona', 'arma de doble filo', 'tiro de piedra',
      'cable de telefono', 'cable del telefono', 'cables de telefono', 'cables del telefono', 'cable de telefonica', 'cable de internet', 'cables de internet', 'cable de fibra', 'cable de la fibra', 'cable de la antena', 'cable de la tele', 'cable de la television',
      'hizo una herida', 'hice una herida', 'hecho una herida', 'hizo un corte', 'gas de la factura', 'factura del gas', 'revision del gas', 'revision de gas', 'echando chispas de la rabia', 'esta que echa chispas', 'riesgo de incendio', 'peligro de incendio',
      'boca d incendi', 'boques d incendi', 'sortida d incendis', 'sortida d emergencia', 'focs artificials', 'foc artificial', 'a foc lent', 'detector de fum', 'detectors de fum', 'fum del tabac', 'fum de tabac', 'fum dels cotxes', 'fum de la barbacoa', 'tub d escapament',
      'em moro de riure', 'em moro de gana', 'cable de telefon', 'cable del telefon', 'cables de telefon', 'cable de fibra', 'factura del gas', 'revisio del gas', 'risc d incendi',
      'fire hydrant', 'fire hydrants', 'fire station', 'fire exit', 'fire exits', 'fire escape', 'fire door', 'fire doors', 'fire extinguisher', 'fire hazard', 'fire risk', 'fire alarm test', 'smoke detector', 'smoke detectors', 'smoke alarm', 'smoke alarms',
      'tobacco smoke', 'cigarette smoke', 'barbecue smoke', 'bbq smoke', 'exhaust smoke', 'exhaust fumes', 'smoke from the barbecue', 'smoke from the bbq', 'smoke from the buses', 'smoke from the cars', 'smoke from cars', 'smoke from the traffic', 'humo del trafico', 'fum del transit', 'smoke from the exhaust', 'dying of laughter', 'dying of boredom', 'drowning in paperwork', 'drowning in debt',
      'water pistol', 'water gun', 'glue gun', 'nail gun', 'phone cable', 'phone line', 'telephone wire', 'telephone cable', 'telephone line', 'internet cable', 'fibre cable', 'fiber cable', 'tv cable', 'gas bill', 'gas meter reading', 'gas inspection',
      'light burning', 'lights burning', 'lamp burning', 'lamps burning', 'light is burning', 'lights are burning', 'burning all day', 'burning during the day', 'burning in daylight', 'left burning', 'street light burning', 'streetlight burning', 'streetlights burning',
      'encerrado fuera', 'encerrada fuera', 'encerrados fuera', 'locked out', 'tancat a fora', 'tancada a fora', 'fire drill', 'fire practice', 'fire safety', 'fire inspection', 'fire certificate', 'fire regulations', 'simulacro de incendio', 'simulacro de incendios', 'simulacre d incendi', 'normativa de incendios', 'normativa contra incendios',
      'calle del ?', 'calle de la ?', 'plaza del ?', 'plaza de la ?', 'avenida del ?', 'paseo del ?', 'carrer del ?', 'carrer de la ?', 'placa del ?', 'passeig del ?',
      'primeros auxilios', 'primers auxilis', 'first aid', 'no responde a', 'no responde al', 'no responde mis', 'no responde los', 'no responde las', 'no responden a', 'no responden mis', 'no respon a', 'no respon als', 'no respon les', 'not responding to', 'isn t responding to my', 'isn t responding to the', 'isn t responding to emails', 'isn t responding to calls', 'no contesta a', 'no contesta al', 'no contesta mis', 'no contesta los', 'no contesta las', 'not answering my', 'not answering the', 'not answering his', 'not answering her', 'isn t answering my', 'isn t answering the',
      'it was hit by a car', 'it was run over', 'it s been hit', 'fue atropellado hace', 'explosion de precios', 'explosion de color', 'explosion de sabor', 'explota de gente', 'explotar de risa', 'population explosion', 'fight fire with fire', 'under fire', 'fire away', 'pelea de gatos', 'peleas de gatos', 'pelea de perros', 'peleas de perros',
    ],
    negation: [
      'no', 'ni', 'sin', 'ningun', 'ninguna', 'ninguno', 'nadie', 'tampoco', 'nunca', 'jamas', 'cap', 'sense', 'ningu', 'mai',
      'not', 'no one', 'nobody', 'without', 'never', 'nothing', 'none', 'neither', 'isn t', 'aren t', 'wasn t', 'there s no', 'there are no', 'don t', 'doesn t',
    ],
    hypothetical: [
      'casi', 'por poco', 'nearly', 'almost', 'gairebe', 'si', 'si hay', 'si huele', 'si hubiera', 'si alguna vez', 'en caso de', 'que hacer si', 'que hago si', 'podria', 'podrian', 'puede que', 'va a', 'van a', 'a punto de', 'riesgo de', 'peligro de', 'amenaza con', 'amenazan con', 'por si',
      'como se evita', 'evitar', 'prevenir', 'simulacro', 'curso de', 'charla sobre', 'taller de',
      'en cas de', 'si hi ha', 'si fa', 'que faig si', 'podria', 'pot', 'risc de', 'perill de', 'a punt de', 'simulacre',
      'if', 'if there', 'in case of', 'in case', 'what to do if', 'what do i do if', 'could', 'might', 'may', 'going to', 'about to', 'risk of', 'danger of', 'threatens to', 'prevent', 'drill', 'course on',
    ],
    past: [
      'hace ? dia', 'hace ? dias', 'hace ? semana', 'hace ? semanas', 'hace ? mes', 'hace ? meses', 'hace ? ano', 'hace ? anos', 'hace dias', 'hace semanas', 'hace meses', 'hace anos', 'hace tiempo', 'hace mucho', 'hace bastante',
      'ayer', 'anoche', 'anteayer', 'antier', 'ano pasado', 'mes pasado', 'any passat', 'mes passat', 'la semana pasada', 'el mes pasado', 'el ano pasado', 'el otro dia', 'el finde pasado', 'el fin de semana pasado', 'el verano pasado', 'el invierno pasado', 'hubo', 'en su dia', 'el lunes pasado', 'el martes pasado', 'el viernes pasado',
      'todos los dias', 'todas las noches', 'todas las mananas', 'todas las tardes', 'cada manana', 'cada tarde', 'cada mati', 'cada tarda', 'todas las semanas', 'cada dia', 'cada noche', 'cada semana', 'cada vez que', 'siempre', 'a menudo', 'a veces', 'cada finde', 'desde hace ? dias', 'desde hace ? semanas', 'desde hace ? meses', 'desde hace ? anos', 'desde hace dias', 'desde hace semanas', 'desde hace meses', 'desde hace anos', 'desde hace tiempo', 'lleva ? dias', 'llevan ? dias', 'lleva ? semanas', 'llevan ? semanas', 'lleva semanas', 'lleva meses', 'llevamos meses',
      'fa ? dies', 'fa ? setmanes', 'fa ? mesos', 'fa ? anys', 'fa dies', 'fa setmanes', 'fa mesos', 'ahir', 'abans d ahir', 'la setmana passada', 'el mes passat', 'l any passat', 'l altre dia', 'hi va haver', 'cada nit', 'tots els dies', 'totes les nits', 'sempre',
      'yesterday', 'last night', 'last week', 'last month', 'last year', 'last weekend', 'the other day', '? days ago', '? weeks ago', '? months ago', '? years ago', 'a while ago', 'there was', 'there were', 'every day', 'every night', 'every morning', 'every evening', 'every afternoon', 'each morning', 'each night', 'every week', 'incendio antiguo', 'antiguo incendio', 'old fire', 'previous fire', 'antic incendi', 'every weekend', 'always', 'for weeks', 'for months', 'for days', 'often',
    ],
    now: [
      'ahora', 'ahora mismo', 'ahorita', 'en este momento', 'en este instante', 'urgente', 'rapido', 'socorro', 'auxilio', 'ara', 'ara mateix', 'en aquest moment', 'urgent', 'de pressa',
      'now', 'right now', 'at the moment', 'currently', 'urgently', 'asap', 'hurry', 'quick',
    ],
    // ---- who and where ----
    person: [
      'persona', 'personas', 'alguien', 'senor', 'senora', 'senores', 'hombre', 'hombres', 'mujer', 'mujeres', 'nino', 'nina', 'ninos', 'ninas', 'nene', 'nena', 'nenes', 'bebe', 'chico', 'chica', 'chicos', 'chicas', 'chaval', 'chavala', 'chavales', 'pibe', 'piba', 'pibes',
      'muchacho', 'muchacha', 'joven', 'jovenes', 'adolescente', 'crio', 'cria', 'anciano', 'anciana', 'ancianos', 'abuelo', 'abuela', 'viejito', 'viejita', 'senor mayor', 'senora mayor', 'vecino', 'vecina', 'vecinos', 'padre', 'madre', 'papa', 'mama', 'hijo', 'hija',
      'suegra', 'suegro', 'cunado', 'cunada', 'sobrino', 'sobrina', 'nieto', 'nieta', 'primo', 'prima', 'companero de piso', 'sogra', 'nebot', 'neboda', 'cosi', 'company', 'companya', 'grandad', 'granddad', 'granny', 'nan', 'nana', 'aunt', 'auntie', 'uncle', 'flatmate', 'housemate', 'roommate', 'colleague', 'marido', 'esposa', 'esposo', 'pareja', 'novio', 'novia', 'amigo', 'amiga', 'companero', 'companera', 'hermano', 'hermana', 'tio', 'tia', 'ciclista', 'motorista', 'peaton', 'operario', 'operaria', 'operari', 'lad', 'lads', 'bloke', 'chap', 'youth', 'teen', 'student', 'conductor', 'conductora', 'repartidor', 'obrero', 'obreros', 'trabajador', 'albanil', 'gente',
      'algu', 'persones', 'senyor', 'senyora', 'meva dona', 'seva dona', 'un home', 'l home', 'aquest home', 'una dona', 'la dona', 'aquesta dona', 'nen', 'nens', 'nado', 'noi', 'noia', 'nois', 'avi', 'avia', 'vei', 'veina', 'veins', 'pare', 'mare', 'fill', 'filla', 'marit', 'parella', 'amic', 'gent', 'vianant', 'treballador', 'germa', 'germana',
      'person', 'people', 'someone', 'somebody', 'man', 'men', 'woman', 'women', 'guy', 'lady', 'child', 'children', 'kid', 'kids', 'baby', 'boy', 'girl', 'toddler', 'teenager', 'elderly', 'old man', 'old woman', 'old lady', 'neighbour', 'neighbor', 'father', 'mother', 'dad', 'mum', 'mom',
      'son', 'daughter', 'husband', 'wife', 'boyfriend', 'girlfriend', 'friend', 'brother', 'sister', 'grandma', 'grandpa', 'grandmother', 'grandfather', 'cyclist', 'pedestrian', 'driver', 'worker', 'workers', 'he', 'she',
    ],
    self: ['yo', 'estoy', 'estamos', 'me he', 'nos hemos', 'jo', 'estic', 'estem', 'i m', 'i am', 'we re', 'we are', 'i ve been', 'we ve been'],
    presence: ['hay', 'ha habido', 'esta', 'estan', 'tenemos', 'accidente', 'choque', 'hi ha', 'hi han', 'accident', 'there is', 'there s', 'there are', 'is', 'are', 'crash'],
    animal: ['perro', 'perros', 'perrito', 'perrita', 'gato', 'gatos', 'gatito', 'gatita', 'animal', 'animales', 'paloma', 'palomas', 'gaviota', 'gaviotas', 'pajaro', 'pajaros', 'caballo', 'rata', 'ratas', 'gos', 'gossos', 'gat', 'gats', 'ocell', 'colom', 'gavina', 'dog', 'dogs', 'puppy', 'cat', 'cats', 'kitten', 'bird', 'birds', 'pigeon', 'seagull', 'fox', 'horse'],
    // ---- fire and smoke ----
    fire: [
      'incendio', 'incendios', 'incendiando', 'incendiandose', 'se incendia', 'se esta incendiando', 'se ha incendiado', 'fuego', 'hay fuego', 'en llamas', 'las llamas', 'hay llamas', 'salen llamas', 'saliendo llamas', 'llamas saliendo', 'llamas que salen', 'se ven llamas', 'veo llamas', 'ver llamas', 'llamas por la', 'llamas por el', 'llamaradas', 'ardiendo', 'arde', 'arden', 'esta quemando', 'se esta quemando', 'se estan quemando',
      'se quema', 'se queman', 'quemandose', 'prendido fuego', 'se prendio fuego', 'prendieron fuego', 'prendiendo fuego', 'prendiendose fuego', 'agarro fuego', 'huele a quemado', 'olor a quemado', 'olor de quemado', 'calcinandose',
      'incendi', 'incendis', 's ha incendiat', 's esta incendiant', 'foc', 'hi ha foc', 'en flames', 'les flames', 'surten flames', 's esta cremant', 'esta cremant', 'estan cremant', 'es crema', 'cremant se', 'fa olor de cremat', 'fa pudor de cremat', 'olor a cremat',
      'fire', 'on fire', 'a fire', 'flames', 'burning', 'ablaze', 'blaze', 'caught fire', 'catching fire', 'caught on fire', 'smells like burning', 'smell of burning', 'burning smell', 'wildfire',
    ],
    gunWords: ['arma de fuego', 'armas de fuego', 'arma de foc', 'armes de foc', 'abrir fuego', 'abrieron fuego', 'open fire', 'opened fire'],
    tamedFire: ['rastrojos', 'quema de rastrojos', 'queman rastrojos', 'quema agricola', 'stubble', 'rostolls', 'crema de rostolls', 'hoguera', 'hogueras', 'fogata', 'fogatas', 'barbacoa', 'barbacoas', 'fallas', 'foguera', 'fogueres', 'bonfire', 'bonfires', 'barbecue', 'bbq', 'campfire'],
    tamedSmoke: ['fuma', 'fuman', 'fumando', 'fumar', 'fumador', 'fumadores', 'tabaco', 'cigarro', 'cigarros', 'cigarrillo', 'porro', 'porros', 'pipa', 'cachimba', 'fumen', 'fumant', 'tabac', 'cigarreta', 'smokes', 'smoking', 'smoker', 'smokers', 'cigarette', 'cigarettes', 'cigar', 'vape', 'vaping', 'barbacoa', 'bbq', 'barbecue', 'shisha'],
    explosion: ['explosion', 'explosiones', 'ha explotado', 'exploto', 'ha estallado', 'estallido', 'explosio', 'ha explotat', 'exploded', 'has blown up', 'blew up'],
    smoke: ['humo', 'humareda', 'fum', 'fumarada', 'smoke'],
    smokeCue: [
      'sale', 'salen', 'saliendo', 'salia', 'echando', 'echa', 'negro', 'negra', 'denso', 'densa', 'espeso', 'mucho', 'muchisimo', 'lleno de', 'llena de', 'todo', 'por todas partes', 'escalera', 'escaleras', 'edificio', 'piso', 'casa', 'ventana', 'ventanas', 'portal', 'cocina', 'garaje', 'sotano', 'contenedor', 'coche', 'tejado', 'monte', 'local', 'nave', 'bajo', 'rellano', 'hay',
      'surt', 'surten', 'sortint', 'negre', 'dens', 'molt', 'ple de', 'plena de', 'escala', 'edifici', 'pis', 'finestra', 'cuina', 'garatge', 'soterrani', 'contenidor', 'cotxe', 'teulada', 'replà', 'hi ha',
      'coming out', 'coming from', 'pouring', 'billowing', 'black', 'thick', 'lots of', 'full of', 'building', 'stairwell', 'stairs', 'flat', 'apartment', 'house', 'window', 'kitchen', 'garage', 'basement', 'roof', 'bin', 'car', 'there is', 'there s', 'everywhere',
    ],
    smoking: ['humeando', 'humea', 'echando humo', 'sale humo', 'saliendo humo', 'fumeja', 'fumejant', 'treu fum', 'surt fum', 'smouldering', 'smoldering', 'is smoking', 'are smoking', 'smoke pouring', 'smoke coming'],
    // ---- gas ----
    gas: ['gas', 'gas natural', 'butano', 'bombona', 'bombona de butano', 'propano', 'garrafa', 'garrafa de gas'],
    gasBefore: ['huele', 'huelo', 'huelen', 'olemos', 'fa olor', 'fa pudor', 'pudor', 'huele a', 'huele mucho a', 'olor a', 'olor de', 'olor fuerte a', 'fuga de', 'fugas de', 'escape de', 'perdida de', 'pierde', 'perdiendo', 'perdent', 'sale', 'saliendo', 'se escapa', 'escapa', 'tufo a', 'peste a', 'olemos', 'huelo', 'fa olor de', 'fa olor a', 'fa pudor de', 'fa pudor a', 'olor', 'fuita de', 'fuites de', 'perd', 'smell', 'smells', 'smell of', 'smells of', 'smells like', 'smelling', 'smelt', 'smelled', 'leaking', 'leak of', 'whiff of', 'stink of', 'stinks of', 'reeks of'],
    gasLine: ['tuberia de gas', 'tuberias de gas', 'conduccion de gas', 'canalizacion de gas', 'caneria de gas', 'canonada de gas', 'canonades de gas', 'gas pipe', 'gas pipes', 'gas main', 'gas line', 'bombona', 'bombona de butano'],
    broken: ['hit', 'struck', 'han roto', 'trencat', 'roto', 'rota', 'se ha roto', 'rompio', 'rompieron', 'reventado', 'reventada', 'revento', 'pinchado', 'pinchada', 'perforado', 'perforada', 'trencada', 's ha trencat', 'rebentada', 'broken', 'burst', 'ruptured', 'damaged', 'cracked', 'punctured'],
    smellAfter: ['huele', 'huelo', 'olor', 'fa olor', 'fa pudor', 'pudor', 'smell', 'smells', 'smelling', 'stinks', 'reeks'],
    gasAfter: ['everywhere', 'por todas partes', 'arreu', 'leak', 'leaks', 'leaking', 'smell', 'escaping', 'se escapa', 'escapandose', 'saliendo', 'fuga', 'fuita', 'que se escapa', 'que sale'],
    // ---- people hurt ----
    injurySevere: [
      'sangrando', 'sangra mucho', 'sangra muchisimo', 'sangra sin parar', 'no para de sangrar', 'sagna molt', 'no para de sagnar', 'bleeding a lot', 'won t stop bleeding', 'desangrando', 'desangrandose', 'pierde mucha sangre', 'charco de sangre', 'herido grave', 'herida grave', 'heridos graves', 'gravemente herido', 'gravemente herida', 'muy herido', 'atropellado', 'atropellada', 'han atropellado', 'atropellaron', 'acaban de atropellar', 'electrocutado', 'electrocutada', 'se esta electrocutando',
      'descarga electrica', 'descarrega electrica', 'electric shock', 'se ha roto la cabeza', 'abierto la cabeza', 'lleno de sangre', 'llena de sangre', 'cubierto de sangre', 'ensangrentado', 'ensangrentada', 'plena de sang', 'ple de sang', 'ensangonat', 'covered in blood', 'bloodied', 'quemaduras graves', 'muy quemado', 'muy quemada', 'cremades greus', 'severe burns', 'badly burnt', 'badly burned', 'he s hurt', 'she s hurt', 'they re hurt', 'he s injured', 'she s injured', 'cabeza abierta', 'brecha en la cabeza', 'mucha sangre', 'sale mucha sangre', 'sangre por todas partes', 'cap obert', 'molta sang', 'head wound', 'a lot of blood', 'lots of blood', 'blood everywhere', 'sagnant', 'sagna molt', 'esta sagnant', 'ferit greu', 'ferida greu', 'atropellat', 'atropellada', 'han atropellat', 'electrocutat',
      'bleeding', 'bleeding badly', 'losing blood', 'badly hurt', 'seriously hurt', 'seriously injured', 'badly injured', 'run over', 'knocked down by a car', 'hit by a car', 'electrocuted', 'is hurt', 'are hurt', 'someone hurt', 'people hurt', 'person hurt', 'hurt badly',
    ],
    injury: ['herido', 'herida', 'heridos', 'heridas', 'lesionado', 'lesionada', 'lesionados', 'ferit', 'ferida', 'ferits', 'ferides', 'injured', 'wounded', 'casualties'],
    // ---- collapsed, unconscious, not breathing ----
    unconscious: [
      'inconsciente', 'inconscientes', 'dejado de respirar', 'deja de respirar', 'deixat de respirar', 'convulsion*', 'no respira', 'no respiran', 'ya no respira', 'no puede respirar', 'no puedo respirar', 'no podemos respirar', 'sin respirar', 'desmay*', 'desmai*', 's ha desplomat', 'desplomat', 'desplomada', 'desmayado', 'desmayada', 'se desmayo', 'se ha desmayado', 'se desmaya', 'desvanecido', 'desvanecida', 'perdio el conocimiento', 'perdido el conocimiento', 'sin conocimiento',
      'convulsion', 'convulsiones', 'convulsionando', 'infarto', 'ataque al corazon', 'ataque cardiaco', 'paro cardiaco', 'paro cardiorrespiratorio', 'ictus', 'se esta asfixiando', 'asfixiando', 'atragantado', 'atragantada', 'se ha atragantado', 'se atraganta', 'sobredosis', 'no reacciona', 'se desplomo', 'se ha desplomado', 'desplomado', 'desplomada',
      'no me puedo levantar', 'no me puedo mover', 'un ahogado', 'intentando reanimar*', 'reanimandolo', 'reanimandola', 'masaje cardiaco', 'haciendo la rcp', 'fent la rcp', 'doing cpr', 'giving cpr', 'muchas pastillas', 'un bote de pastillas', 'moltes pastilles', 'took a lot of pills', 'took too many pills', 'lots of pills', 'se descompuso', 'le agarro un ataque', 'le dio un ataque',
      'inconscient', 'inconscients', 'no pot respirar', 'no puc respirar', 's ha desmaiat', 'desmaiat', 'desmaiada', 'ha perdut el coneixement', 'atac de cor', 'infart', 's ennuega', 'ennuegat', 'no em puc aixecar', 'convulsions',
      'unconscious', 'not breathing', 'isn t breathing', 'stopped breathing', 'can t breathe', 'cannot breathe', 'cant breathe', 'unresponsive', 'fainted', 'passed out', 'heart attack', 'cardiac arrest', 'seizure', 'fitting', 'is choking', 'choking on', 'had a fit', 'having a fit', 'overdose', 'having a stroke', 'had a stroke', 'it s a stroke', 'slurred', 'face is drooping', 'es un ictus', 'le ha dado un ictus', 'boca torcida', 'parla estrany', 'i can t get up', 'cannot get up',
    ],
    unresponsive: [
      'no habla', 'no puede hablar', 'no parla', 'can t speak', 'not talking', 'labios morados', 'llavis morats', 'lips are blue', 'blue lips', 'turning blue', 'se esta poniendo morado', 'se esta poniendo morada',
      'no puede abrir', 'no puede moverse', 'no puede mover', 'no pot obrir', 'no es pot moure', 'can t move', 'cannot move', 'isn t responding', 'is not responding', 'not reacting', 'isn t reacting', 'sin moverse', 'sin reaccionar', 'sin responder', 'sin sentido', 'no despierta', 'no vuelve en si', 'without moving', 'sense moure s', 'sense respondre', 'no es desperta', 'no responde', 'no contesta', 'not answering', 'isn t answering', 'no se mueve', 'no se levanta', 'no se puede levantar', 'no puede levantarse', 'no se despierta', 'no abre los ojos', 'tirado en el suelo', 'tirada en el suelo', 'tirado en la calle', 'tirada en la calle', 'tirado en la acera', 'tirada en la acera', 'tirado en la vereda', 'tirada en la vereda', 'caido en el suelo', 'caida en el suelo', 'se cayo redondo', 'se cayo redonda',
      'no respon', 'no es mou', 'no es pot aixecar', 'no es desperta', 'estirat a terra', 'estirada a terra', 'estirat al terra', 'caigut a terra',
      'not responding', 'not moving', 'isn t moving', 'won t wake up', 'can t get up', 'lying on the ground', 'lying in the street', 'lying on the pavement', 'lying on the floor', 'collapsed',
    ],
    // ---- fallen live cable, sparks ----
    cable: ['cable', 'cables', 'cableado', 'poste de luz', 'poste electrico', 'postes de luz', 'torre electrica', 'tendido electrico', 'linea electrica', 'cable de alta tension', 'alta tension', 'cable electric', 'pal de llum', 'fil electric', 'linia electrica', 'wire', 'wires', 'power line', 'power lines', 'powerline', 'electric cable', 'live wire', 'cable de luz', 'cable de la luz'],
    electric: ['farola', 'farolas', 'poste', 'transformador', 'caja electrica', 'cuadro electrico', 'enchufe', 'semaforo', 'registro', 'fanal', 'fanals', 'quadre electric', 'streetlight', 'street light', 'lamp post', 'lamppost', 'transformer', 'junction box', 'substation', 'electricity box', 'pylon'],
    fallen: ['caido', 'caidos', 'caida', 'se cayo', 'se ha caido', 'se han caido', 'caigut', 'caiguts', 'ha caigut', 'fallen', 'is down', 'are down', 'came down', 'come down', 'downed', 'fell'],
    cableLive: ['cable de luz', 'cable de la luz', 'cables de luz', 'cables de la luz', 'cable electrico', 'cables electricos', 'cable de alta tension', 'alta tension', 'cable pelado', 'poste de luz', 'cable de llum', 'cable electric', 'fil electric', 'pal de llum', 'live wire', 'live wires', 'live cable', 'power line', 'power lines', 'electric cable', 'electric wire', 'high voltage'],
    ground: ['en la carretera', 'a la carretera', 'sobre la carretera', 'across the road', 'across the street', 'en el suelo', 'por el suelo', 'tirado', 'tirados', 'en la calzada', 'en la acera', 'en la vereda', 'en medio de la calle', 'en el camino', 'a terra', 'al terra', 'a la vorera', 'on the ground', 'on the road', 'on the pavement', 'on the sidewalk', 'in the road', 'lying'],
    down: ['down'],
    sparks: ['chispas', 'chispazos', 'chispazo', 'chisporroteando', 'echando chispas', 'echa chispas', 'arco electrico', 'espurnes', 'fa espurnes', 'guspires', 'sparks', 'sparking', 'arcing'],
    // ---- structural collapse ----
    shaking: ['esta temblando', 'estan temblando', 'is shaking', 'esta tremolant', 'is swaying'],
    collapseStrong: ['s ensorra', 's esta ensorrant', 'ensorrant se', 'es desploma', 'derrumbe', 'se derrumba', 'se derrumbo', 'se ha derrumbado', 'se esta derrumbando', 'derrumbandose', 'se han derrumbado', 'desplome', 'se vino abajo', 'se ha venido abajo', 's ha esfondrat', 's esta esfondrant', 'esfondrament', 's ha ensorrat', 'ensorrament', 'caved in', 'building collapsed', 'is collapsing', 'has caved in'],
    structure: ['ascensor', 'lift', 'elevator', 'edificio', 'casa', 'balcon', 'balcones', 'muro', 'pared', 'tapia', 'techo', 'tejado', 'fachada', 'puente', 'andamio', 'grua', 'bloque', 'forjado', 'nave', 'edifici', 'balco', 'mur', 'paret', 'sostre', 'teulada', 'facana', 'pont', 'bastida', 'building', 'house', 'balcony', 'wall', 'roof', 'ceiling', 'facade', 'bridge', 'scaffolding', 'scaffold', 'crane'],
    collapse: ['plunged', 'se ha desplomado', 'desplomado', 's ha desplomat', 'se ha desprendido', 'se desprendio', 'desprendido', 'come away', 'came away', 'fallen into the street', 'fallen', 's ha despres', 'se cayo', 'se ha caido', 'se cae', 'se esta cayendo', 'se estan cayendo', 'cayendo', 'se han caido', 'ha caido', 'cayo', 'se hundio', 'se ha hundido', 'hundiendo', 'caerse', 'caer', 'derrumbarse', 'fell', 'fell down', 'has fallen', 'came down', 'coming down', 'falling down', 'is falling', 'collapsed', 'collapse', 'collapsing', 'fall', 's ha caigut', 'ha caigut', 'caient', 's esta caient', 'caure', 'se n ha anat a terra'],
    fragment: ['barandilla', 'barandillas', 'railing', 'railings', 'handrail', 'barana', 'revestimiento', 'placa', 'placas', 'moldura', 'parte del', 'part of', 'part del', 'part de', 'trozo', 'trozos', 'cascote', 'cascotes', 'pedazo', 'pedazos', 'parte de', 'azulejo', 'azulejos', 'teja', 'tejas', 'piedra', 'piedras', 'ladrillo', 'ladrillos', 'pintura', 'yeso', 'pladur', 'baldosa', 'baldosas', 'cornisa', 'persiana', 'toldo', 'canalon', 'valla', 'cartel', 'piece', 'pieces', 'chunk', 'chunks', 'bits', 'tile', 'tiles', 'brick', 'bricks', 'paint', 'plaster', 'gutter', 'fence', 'sign', 'tros', 'trossos', 'rajola', 'rajoles', 'teula', 'teules', 'guix', 'tanca', 'rotul'],
    // ---- violence ----
    violence: [
      'me esta pegando', 'me pega', 'le esta pegando', 'le estan pegando', 'les estan pegando', 'nos estan pegando', 'la esta pegando', 'lo estan pegando', 'pegandole', 'pegandome', 'pegandola', 'le dan una paliza', 'dando una paliza', 'dandole una paliza', 'golpiza', 'cagando a palos', 'moliendo a palos', 'cagandolo a palos', 'pegando a golpes', 'se pegan a golpes', 'peleando a golpes', 'a punetazos', 'punetazos',
      'a punaladas', 'punalada', 'punaladas', 'ganivetada', 'stab wound', 'apunalado', 'apunalada', 'apunalaron', 'han apunalado', 'navajazo', 'navajazos', 'disparos', 'disparando', 'pegaron un tiro', 'pego un tiro', 'le dispararon', 'han disparado', 'le han disparado', 'balearon', 'baleado', 'baleada', 'a punta de navaja', 'a punta de pistola', 'atracando', 'acaban de atracar', 'han atracado', 'atracaron', 'li han disparat', 'han atracat', 'been shot', 'was shot', 'got shot', 'shot at', 'shot him', 'shot her', 'knifepoint', 'gunpoint', 'mugged', 'mugging', 'being robbed', 'tiroteo', 'balacera', 'tiros', 'balazos', 'se estan matando', 'matando a golpes', 'es maten', 'killing each other', 'intentando ahogar', 'ahogar a una', 'ahogar a un', 'estrangular', 'estrangulando', 'escanyant', 'trying to strangle', 'strangling', 'dando golpes a', 'dandole golpes', 'esta dando golpes', 'donant cops', 'hay un atraco', 'un atraco en', 'atraco en curso', 'atracament a', 'robbery at', 'robbery in progress', 'hold up at', 'la estan matando', 'lo estan matando', 'le estan matando', 'la esta matando', 'lo esta matando', 'killing her', 'killing him', 'la estan matant', 'el maten', 'me quiere matar', 'me quiere pegar', 'le quiere pegar', 'la quiere pegar', 'me vol pegar', 'wants to hurt me', 'going to hurt me', 'wants to hit me', 'trying to hurt me', 'vol fer me mal', 'lo va a matar', 'la va a matar', 'le va a matar', 'la quiere matar', 'lo quiere matar', 'amenaza con matar', 'me amenaza con matarme', 'me esta amenazando', 'la esta amenazando',
      'violencia de genero', 'violencia domestica', 'violencia machista', 'maltrato', 'me maltrata', 'la maltrata', 'agrediendo', 'me estan agrediendo', 'estan agrediendo', 'agresion sexual', 'violacion', 'violando', 'secuestro', 'secuestrado', 'secuestrando', 'hombre armado', 'hombres armados', 'tipo armado',
      'm esta pegant', 'em pega', 'li esta pegant', 'li estan pegant', 'ens estan pegant', 'pallissa', 'apunyalat', 'apunyalada', 'trets', 'dispars', 'violencia masclista', 'maltractament', 'em maltracta', 'm agredeix', 'agredint', 'em vol matar', 'la vol matar', 'm esta amenacant', 'home armat',
      'attacking', 'being attacked', 'stabbed', 'stabbing', 'shooting', 'shots fired', 'gunshots', 'gunfire', 'beating up', 'beating him', 'beating her', 'beating me', 'hitting me', 'hitting her', 'hitting him', 'punching', 'domestic violence', 'abusing me', 'abusing her', 'assaulting', 'threatening to kill', 'going to kill', 'wants to kill', 'kidnapping', 'armed man', 'armed men', 'hits me', 'beats me',
    ],
    weapon: ['firearm', 'firearms', 'arma de fuego', 'armas de fuego', 'arma de foc', 'cuchillo', 'cuchillos', 'navaja', 'navajas', 'machete', 'pistola', 'pistolas', 'arma', 'armas', 'escopeta', 'fusil', 'revolver', 'bate', 'ganivet', 'ganivets', 'navalla', 'navalles', 'matxet', 'knife', 'knives', 'gun', 'guns', 'pistol', 'rifle', 'bat', 'weapon', 'weapons'],
    fight: ['porten', 'have a', 'have guns', 'atraco', 'atracament', 'robbery', 'robbers', 'ladrones', 'lladres', 'siguiendo', 'persiguiendo', 'lleva una', 'lleva un', 'llevan', 'following me', 'chasing', 'has a', 'carrying', 'em segueixen', 'porta un', 'porta una', 'peleandose', 'pelean', 'barallant', 'pegando', 'pegandose', 'se pegan', 'se estan pegando', 'barallen', 'es peguen', 'pelea', 'peleando', 'pelean', 'se pelean', 'se estan peleando', 'rina', 'amenaza', 'amenazando', 'apuntando', 'armado', 'armados', 'con un', 'con una', 'amb una', 'baralla', 'barallant', 'es barallen', 'amenacant', 'apuntant', 'armat', 'amb un', 'fight', 'fighting', 'threatening', 'waving', 'pointing', 'brawl', 'armed', 'with a'],
    hitting: ['colpejant', 'golpeando', 'pegant', 'pegando a', 'pegandole a', 'pega a', 'pegan a', 'golpeando a', 'golpea a', 'pateando a', 'pegant a', 'colpejant a', 'pega a la', 'hitting', 'beating', 'punching', 'kicking', 'strangling', 'ahorcando a', 'estrangulando a', 'escanyant'],
    breakIn: ['forcing my', 'forcing the', 'forcing our', 'forzando mi', 'forzando nuestra', 'forcant la', 'forcant el', 'estan entrant a robar', 'entrant a robar', 'entrando a robar', 
      'estan robando', 'esta robando', 'estan entrando a robar', 'intentando entrar', 'intentan entrar', 'forzando la puerta', 'forzando la cerradura', 'forzando la ventana', 'reventando la puerta', 'hay ladrones', 'ladrones en', 'hay alguien dentro de mi casa', 'alguien en mi casa', 'se estan metiendo en', 'hay chorros', 'unos chorros', 'los chorros estan',
      'estan robant', 'esta robant', 'intentant entrar', 'forcant la porta', 'hi ha lladres', 'lladres a',
      'breaking in', 'breaking into', 'break in in progress', 'burglars', 'burglar in', 'intruder', 'someone in my house', 'someone is in my house', 'someone inside my house', 'hay alguien en mi casa', 'hay alguien en casa', 'hi ha algu a casa meva', 'hi ha algu a casa', 'trying to get in', 'trying to break in', 'forcing the door', 'robbing',
    ],
    vehicle: ['coche', 'auto', 'moto', 'camion', 'autobus', 'bus', 'colectivo', 'furgoneta', 'taxi', 'tranvia', 'cotxe', 'camio', 'furgoneta', 'car', 'van', 'lorry', 'truck', 'motorbike', 'tram'],
    vehicleHit: ['ha atropellado a', 'atropello a', 'ha arrollado a', 'arrollo a', 'ha golpeado a', 'ha embestido a', 'ha envestit', 'ha atropellat', 'ha atropellat a', 'hit', 'has hit', 'ran over', 'knocked down', 'struck', 'has run over', 'has knocked down'],
    attackVerb: ['ha atacado a', 'ha mordido a', 'esta atacando a', 'esta mordiendo a', 'han atacado a', 'has attacked', 'attacked a', 'attacked my', 'is attacking', 'mauled', 'ha mossegat', 'ha atacat', 'esta atacant'],
    fellOnPrep: ['encima de', 'sobre', 'on top of', 'on', 'onto', 'damunt de', 'a sobre de', 'sobre de'],
    fellOn: ['cayo encima de', 'ha caido encima de', 'le ha caido', 'le cayo', 'caido sobre', 'cayo sobre', 'li ha caigut', 'ha caigut sobre', 'fell on', 'fell onto', 'landed on', 'came down on'],
    fallVerb: ['ha saltado', 'salto', 'ha saltat', 'se ha caido', 'se cayo', 'caido', 'se ha tirado', 'se tiro', 'ha caigut', 's ha tirat', 'fell', 'fallen', 'has jumped', 'jumped'],
    heightPlace: ['ventana', 'tejado', 'balcon', 'terraza', 'andamio', 'azotea', 'puente', 'vias', 'anden', 'finestra', 'teulada', 'balco', 'terrat', 'bastida', 'pont', 'vies', 'andana', 'window', 'roof', 'balcony', 'scaffolding', 'bridge', 'tracks', 'railway', 'platform'],
    drank: ['ha bebido', 'se ha bebido', 'bebio', 'ha tragado', 'se ha tragado', 'trago', 'se ha tomado', 'ha begut', 's ha empassat', 'drank', 'swallowed', 'has drunk', 'has swallowed'],
    poison: ['lejia', 'amoniaco', 'veneno', 'matarratas', 'detergente', 'lavavajillas', 'anticongelante', 'lleixiu', 'veri', 'bleach', 'poison', 'detergent', 'rat poison', 'antifreeze', 'ammonia'],
    // ---- water, trapped ----
    drowning: ['se esta ahogando', 'se ahoga', 'ahogandose', 'ahogando', 'se estan ahogando', 'drowning', 'is drowning', 's esta ofegant', 's ofega', 'ofegant', 'ofegant se'],
    fellInWater: ['se cayo al agua', 'se ha caido al agua', 'se cayo al rio', 'se ha caido al rio', 'cayo al mar', 'se ha caido al mar', 'se cayo a la piscina', 'se ha caido a la piscina', 'caido al canal', 'fell into the water', 'fell in the water', 'fell into the river', 'fell in the river', 'fell into the sea', 'fell into the pool', 'ha caigut a l aigua', 'ha caigut al riu', 'ha caigut al mar', 'ha caigut a la piscina'],
    fellIn: ['se ha tirado al', 'se tiro al', 's ha tirat al', 'jumped into the', 'se cayo al', 'se ha caido al', 'se ha caido a la', 'se cayo a la', 'cayo al', 'caido al', 'caido a la', 'se ha caido en el', 'se ha caido en la', 'ha caigut al', 'ha caigut a la', 'ha caigut a l', 'fell into the', 'fell in the', 'fell into a', 'fell in a', 'has fallen into', 'fallen into the'],
    waterBody: ['agua', 'rio', 'mar', 'piscina', 'fuente', 'estanque', 'lago', 'canal', 'pozo', 'embalse', 'acequia', 'puerto', 'aigua', 'riu', 'font', 'estany', 'llac', 'bassa', 'pou', 'sequia', 'port', 'water', 'river', 'sea', 'pool', 'fountain', 'pond', 'lake', 'well', 'reservoir', 'harbour', 'canal'],
    current: ['se la lleva la corriente', 'se lo lleva la corriente', 'arrastrado por la corriente', 'arrastrada por la corriente', 'perdido en el rio', 'perdida en el rio', 'l arrossega el corrent', 'arrossegat pel corrent', 'swept away', 'carried away by the current'],
    trapped: ['atrapades', 'enganchado en la maquina', 'enganchada en la maquina', 'atrapado en la maquina', 'enganxat a la maquina', 'caught in the machine', 'caught in a machine', 'atrapado', 'atrapada', 'atrapados', 'atrapadas', 'encerrado', 'encerrada', 'encerrados', 'aplastado', 'aplastada', 'sepultado', 'bajo los escombros', 'trapped', 'stuck inside', 'stuck in the lift', 'stuck in the elevator', 'locked in', 'locked inside', 'encerrado en', 'encerrada en', 'tancat en', 'tancada en', 'crushed', 'pinned under', 'atrapat', 'atrapada', 'atrapats', 'tancat dins', 'tancada dins', 'aixafat'],
    // ---- asking for help now ----
    distress: ['se va a tirar', 'va a tirarse', 'se vol tirar', 'es vol llancar', 'she ll jump', 'he ll jump', 'colgando del puente', 'se quiere tirar', 'quiere tirarse', 'va a saltar', 'a punto de saltar', 'se quiere suicidar', 'intento de suicidio', 'suicidarse', 'se ha ahorcado', 'es vol tirar', 'vol saltar', 'threatening to jump', 'about to jump', 'going to jump', 'wants to jump', 'suicide attempt', 'on the ledge', 'help emergency', 'emergency help', 'ayuda emergencia', 'emergencia ayuda', 'ajuda emergencia', 'socorro', 'auxilio', 'socors', 'auxili', 'llamen a una ambulancia', 'llamad a una ambulancia', 'necesito una ambulancia', 'manden una ambulancia', 'llamen a los bomberos', 'llamad a los bomberos', 'truqueu una ambulancia', 'truqueu als bombers', 'call an ambulance', 'need an ambulance', 'send an ambulance', 'call the fire brigade', 'mayday'],
  },
  signals: [
    { kind: 'fire', all: ['fire'], none: ['tamedFire', 'gunWords'] },
    { kind: 'fire', all: ['explosion'], none: ['tamedFire'] },
    { kind: 'smoke', all: ['smoking'], none: ['tamedSmoke'], window: 12 },
    { kind: 'smoke', all: ['smoke', 'smokeCue'], window: 5, none: ['tamedSmoke'] },
    { kind: 'gas', all: ['gasBefore', 'gas'], window: 4, ordered: true },
    { kind: 'gas', all: ['gas', 'gasAfter'], window: 3, ordered: true },
    { kind: 'gas', all: ['gas', 'smellAfter'], window: 6, ordered: true },
    { kind: 'gas', all: ['gasLine', 'broken'], window: 4 },
    { kind: 'injury', all: ['injurySevere'], none: ['animal'] },
    { kind: 'injury', all: ['injury', 'presence'], window: 3, none: ['animal'] },
    { kind: 'injury', all: ['vehicle', 'vehicleHit', 'person'], window: 6, ordered: true },
    { kind: 'injury', all: ['fellOn', 'person'], window: 3, ordered: true, none: ['animal'] },
    { kind: 'injury', all: ['person', 'fallVerb', 'heightPlace'], window: 8, ordered: true, none: ['animal'] },
    { kind: 'injury', all: ['fallVerb', 'fellOnPrep', 'person'], window: 8, ordered: true, none: ['animal', 'lightFall'] },
    { kind: 'injury', all: ['drank', 'poison'], window: 4, ordered: true, none: ['animal'] },
    { kind: 'injury', all: ['animal', 'attackVerb', 'person'], window: 6, ordered: true },
    { kind: 'injury', all: ['injury', 'person'], window: 3, none: ['animal'] },
    { kind: 'unconscious', all: ['unconscious'], none: ['animal'] },
    { kind: 'unconscious', all: ['person', 'unresponsive'], window: 15, none: ['animal'] },
    { kind: 'cable', all: ['cable', 'fallen'], window: 6 },
    { kind: 'cable', all: ['cableLive', 'ground'], window: 8 },
    { kind: 'cable', all: ['cable', 'down'], window: 2, ordered: true },
    { kind: 'cable', all: ['cable', 'sparks'], window: 12 },
    { kind: 'cable', all: ['electric', 'sparks'], window: 8 },
    { kind: 'collapse', all: ['collapseStrong'], none: ['fragment'] },
    { kind: 'collapse', all: ['structure', 'shaking'], window: 3 },
    { kind: 'collapse', all: ['structure', 'collapse'], window: 7, none: ['fragment'] },
    { kind: 'violence', all: ['violence'], none: ['animal'] },
    { kind: 'violence', all: ['weapon', 'fight'], window: 8, none: ['animal'] },
    { kind: 'violence', all: ['hitting', 'person'], window: 3, ordered: true, none: ['animal'] },
    { kind: 'violence', all: ['breakIn'] },
    { kind: 'drowning', all: ['drowning'], none: ['animal'] },
    { kind: 'drowning', all: ['fellInWater'], none: ['animal'] },
    { kind: 'drowning', all: ['current'], none: ['animal'] },
    { kind: 'drowning', all: ['fellIn', 'waterBody'], window: 6, ordered: true, none: ['animal'] },
    { kind: 'trapped', all: ['trapped', 'person'], window: 8, none: ['animal'] },
    { kind: 'trapped', all: ['self', 'trapped'], window: 4, ordered: true },
    { kind: 'distress', all: ['distress'], none: ['animal'] },
  ],
};

/** The base lexicon (rounds 1–8) and round 9's broader synonyms (broader-lexicon.ts). */
export const DEFAULT_LEXICON: EmergencyLexicon = mergeLexicon(BASE_LEXICON, BROADER_LEXICON);
