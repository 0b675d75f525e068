"""What the assistant says to small talk (``common.knowledge.answering.smalltalk``), by kind and language."""

from __future__ import annotations

from typing import Literal

from common.knowledge.reading.language import Language

Kind = Literal["greeting", "thanks", "goodbye", "bot", "upset", "wellbeing", "help", "ok", "no"]

REPLIES: dict[Kind, dict[Language, str]] = {
    "greeting": {
        "en": "Hi! How can I help you? Ask me about shipping, delivery times, returns or our support hours.",
        "de": "Hallo! Wie kann ich helfen? Fragen Sie mich zu Versand, Lieferzeiten, Rückgabe oder "
        "unseren Servicezeiten.",
        "fr": "Bonjour ! Comment puis-je vous aider ? Posez-moi vos questions sur la livraison, les "
        "retours ou nos horaires.",
        "es": "¡Hola! ¿En qué puedo ayudarte? Pregúntame por envíos, plazos de entrega, devoluciones "
        "o nuestro horario.",
        "it": "Ciao! Come posso aiutarti? Chiedimi di spedizioni, tempi di consegna, resi o dei "
        "nostri orari.",
        "nl": "Hallo! Waarmee kan ik helpen? Vraag me naar verzending, levertijden, retouren of onze "
        "openingstijden.",
    },
    "thanks": {
        "en": "You're welcome! Is there anything else I can help with?",
        "de": "Gern geschehen! Kann ich sonst noch helfen?",
        "fr": "Avec plaisir ! Puis-je vous aider pour autre chose ?",
        "es": "¡De nada! ¿Puedo ayudarte en algo más?",
        "it": "Prego! Posso aiutarti con qualcos'altro?",
        "nl": "Graag gedaan! Kan ik nog ergens mee helpen?",
    },
    "goodbye": {
        "en": "Goodbye, and thanks for stopping by!",
        "de": "Auf Wiedersehen und danke für Ihren Besuch!",
        "fr": "Au revoir et merci de votre visite !",
        "es": "¡Adiós y gracias por tu visita!",
        "it": "Arrivederci e grazie della visita!",
        "nl": "Tot ziens en bedankt voor je bezoek!",
    },
    "bot": {
        "en": "I'm the shop's automated assistant, not a person: I answer from the shop's help pages. "
        "Would you like to talk to someone from our team? Just say yes.",
        "de": "Ich bin der automatische Assistent des Shops, kein Mensch, und antworte aus unseren "
        "Hilfeseiten. Möchten Sie mit jemandem aus unserem Team sprechen? Sagen Sie einfach ja.",
        "fr": "Je suis l'assistant automatique de la boutique, pas une personne : je réponds à partir "
        "de nos pages d'aide. Voulez-vous parler à quelqu'un de notre équipe ? Dites simplement oui.",
        "es": "Soy el asistente automático de la tienda, no una persona: respondo con nuestras páginas "
        "de ayuda. ¿Quieres hablar con alguien de nuestro equipo? Solo di que sí.",
        "it": "Sono l'assistente automatico del negozio, non una persona: rispondo in base alle nostre "
        "pagine di aiuto. Vuoi parlare con qualcuno del nostro team? Basta dire di sì.",
        "nl": "Ik ben de automatische assistent van de winkel, geen mens: ik antwoord vanuit onze "
        "hulppagina's. Wil je iemand van ons team spreken? Zeg gewoon ja.",
    },
    "upset": {
        "en": "I'm sorry I couldn't help. Would you like to talk to someone from our team? Just say yes.",
        "de": "Das tut mir leid. Möchten Sie mit jemandem aus unserem Team sprechen? Sagen Sie einfach ja.",
        "fr": "Désolé de ne pas avoir pu vous aider. Voulez-vous parler à quelqu'un de notre équipe ? "
        "Dites simplement oui.",
        "es": "Siento no haber podido ayudarte. ¿Quieres hablar con alguien de nuestro equipo? "
        "Solo di que sí.",
        "it": "Mi dispiace non esserti stato d'aiuto. Vuoi parlare con qualcuno del nostro team? "
        "Basta dire di sì.",
        "nl": "Sorry dat ik je niet kon helpen. Wil je iemand van ons team spreken? Zeg gewoon ja.",
    },
    "wellbeing": {
        "en": "I'm doing well, thanks for asking! How can I help you today?",
        "de": "Mir geht es gut, danke der Nachfrage! Wie kann ich helfen?",
        "fr": "Très bien, merci ! Comment puis-je vous aider ?",
        "es": "¡Muy bien, gracias! ¿En qué puedo ayudarte?",
        "it": "Benissimo, grazie! Come posso aiutarti?",
        "nl": "Goed, dank je! Waarmee kan ik helpen?",
    },
    "help": {
        "en": "I can answer questions about shipping, delivery times, returns and refunds, payment "
        "and our support hours, and put you in touch with our team.",
        "de": "Ich beantworte Fragen zu Versand, "
        "Lieferzeiten, Rückgabe und Erstattung, Zahlung und unseren Servicezeiten und verbinde Sie "
        "mit unserem Team.",
        "fr": "Je réponds à vos questions sur la "
        "livraison, les délais, les retours et remboursements, le paiement et nos horaires, et je "
        "peux vous mettre en contact avec notre équipe.",
        "es": "Respondo preguntas sobre envíos, plazos de "
        "entrega, devoluciones y reembolsos, pagos y nuestro horario, y te pongo en contacto con "
        "nuestro equipo.",
        "it": "Rispondo a domande su spedizioni, tempi di "
        "consegna, resi e rimborsi, pagamenti e i nostri orari, e posso metterti in contatto con il "
        "nostro team.",
        "nl": "Ik beantwoord vragen over verzending, "
        "levertijden, retouren en terugbetalingen, betalen en onze openingstijden, en breng je in "
        "contact met ons team.",
    },
    "ok": {
        "en": "Is there anything else I can help with? Ask me about shipping, delivery times, "
        "returns or our support hours.",
        "de": "Kann ich sonst noch helfen? Fragen Sie mich zu Versand, Lieferzeiten, Rückgabe oder "
        "unseren Servicezeiten.",
        "fr": "Puis-je vous aider pour autre chose ? Posez-moi vos questions sur la livraison, les "
        "retours ou nos horaires.",
        "es": "¿Puedo ayudarte en algo más? Pregúntame por envíos, plazos de entrega, devoluciones "
        "o nuestro horario.",
        "it": "Posso aiutarti con qualcos'altro? Chiedimi di spedizioni, tempi di consegna, resi o "
        "dei nostri orari.",
        "nl": "Kan ik nog ergens mee helpen? Vraag me naar verzending, levertijden, retouren of "
        "onze openingstijden.",
    },
    "no": {
        "en": "All right. If anything else comes up, just ask here. Have a nice day!",
        "de": "Alles klar. Wenn noch etwas ist, fragen Sie einfach hier. Einen schönen Tag!",
        "fr": "Très bien. Si vous avez une autre question, posez-la ici. Bonne journée !",
        "es": "De acuerdo. Si surge algo más, pregunta aquí. ¡Que tengas un buen día!",
        "it": "Va bene. Se ti serve altro, chiedi pure qui. Buona giornata!",
        "nl": "Prima. Als er nog iets is, vraag het gewoon hier. Fijne dag!",
    },
}
