// A button for an action that needs a scope: disabled, with the reason beside it, when the client lacks the scope.
import { useId, type ButtonHTMLAttributes } from 'react';
import { useAuth, type Scope } from '../auth/auth-context.tsx';

export function ScopedButton({ scope, children, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { scope: Scope }) {
  const { can } = useAuth();
  const reasonId = useId();
  if (can(scope))
    return (
      <button type="button" {...rest}>
        {children}
      </button>
    );
  return (
    <span className="scoped">
      <button type="button" {...rest} disabled aria-describedby={reasonId} onClick={undefined}>
        {children}
      </button>
      <span id={reasonId} className="hint">
        Needs the scope <code>{scope}</code>
      </span>
    </span>
  );
}
