import { IonButton, IonItem, IonLabel, IonList, IonNote, useIonAlert } from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contactDraftOf, type ContactDraft, type ContactField, type FieldProblems, type ProgramContact } from '../lib/programs.ts';
import { ProgramContactForm } from './ProgramContactForm.tsx';

interface ProgramContactsProps {
  contacts: ProgramContact[];
  canWrite: boolean;
  saving: boolean;
  /** Saves a new contact (id null) or changes one; resolves with problems, or null once saved. */
  onSave(contactId: string | null, draft: ContactDraft): Promise<FieldProblems<ContactField> | null>;
  onRemove(contactId: string): void;
}

/** The telegram field holds a username or a phone number; a username opens in Telegram. */
function telegramOf(telegram: string) {
  if (!/^[A-Za-z][A-Za-z0-9_]{3,}$/.test(telegram)) return telegram;
  return (
    <a href={`https://t.me/${telegram}`} target="_blank" rel="noreferrer">
      @{telegram}
    </a>
  );
}

/** People at the program; writers add, edit (in place) and remove them. */
export function ProgramContacts({ contacts, canWrite, saving, onSave, onRemove }: ProgramContactsProps) {
  const { t } = useTranslation();
  const [confirm] = useIonAlert();
  const [editing, setEditing] = useState<string | null>(null);

  const form = (contact: ProgramContact | null) => (
    <ProgramContactForm
      key={contact?.id ?? 'new'}
      initial={contactDraftOf(contact)}
      saving={saving}
      onSave={async (draft) => {
        const problems = await onSave(contact?.id ?? null, draft);
        if (!problems) setEditing(null);
        return problems;
      }}
      onCancel={() => setEditing(null)}
    />
  );

  const askRemove = (contact: ProgramContact) =>
    void confirm({
      header: t('programs.contacts.removeTitle'),
      message: t('programs.contacts.removeText', { name: contact.name }),
      cssClass: 'program-contact-remove',
      buttons: [
        { text: t('common.cancel'), role: 'cancel' },
        { text: t('programs.contacts.remove'), role: 'confirm', handler: () => onRemove(contact.id) },
      ],
    });

  return (
    <>
      {contacts.length === 0 && editing !== 'new' && <IonNote className="hint">{t('programs.contacts.none')}</IonNote>}
      {contacts.length > 0 && (
        <IonList data-program="contacts" lines="full">
          {contacts.map((contact) =>
            editing === contact.id ? (
              <div key={contact.id}>{form(contact)}</div>
            ) : (
              <IonItem key={contact.id} data-contact={contact.id} data-contact-name={contact.name}>
                <IonLabel>
                  <h3>
                    {contact.name} <span className="program-channel">· {t(`programs.channel.${contact.preferredChannel}`)}</span>
                  </h3>
                  {contact.email && (
                    <p>
                      <a href={`mailto:${contact.email}`}>{contact.email}</a>
                    </p>
                  )}
                  {contact.telegram && <p>{telegramOf(contact.telegram)}</p>}
                </IonLabel>
                {canWrite && (
                  <div slot="end" className="program-row-actions">
                    <IonButton fill="clear" size="small" onClick={() => setEditing(contact.id)} data-action="edit-contact">
                      {t('programs.contacts.edit')}
                    </IonButton>
                    <IonButton fill="clear" size="small" color="danger" onClick={() => askRemove(contact)} data-action="remove-contact">
                      {t('programs.contacts.remove')}
                    </IonButton>
                  </div>
                )}
              </IonItem>
            ),
          )}
        </IonList>
      )}
      {canWrite &&
        (editing === 'new' ? (
          form(null)
        ) : (
          <IonButton fill="outline" size="small" onClick={() => setEditing('new')} data-action="add-contact">
            {t('programs.contacts.add')}
          </IonButton>
        ))}
    </>
  );
}
