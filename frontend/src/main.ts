import "./style.css";
import { ApiError, getMe, login, logout, type Me } from "./api";

// sessionStorage: the token lives as long as the tab, and is gone when the browser closes it.
const TOKEN_KEY = "peyvand.access_token";

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) {
    throw new Error(`#${id} is missing from index.html`);
  }
  return found as T;
}

const form = element<HTMLFormElement>("login");
const profile = element<HTMLElement>("profile");
const errorBox = element<HTMLElement>("error");
const logoutButton = element<HTMLButtonElement>("logout");

function showError(error: unknown): void {
  errorBox.textContent =
    error instanceof Error ? error.message : "Something went wrong; please try again.";
  errorBox.hidden = false;
}

function clearError(): void {
  errorBox.textContent = "";
  errorBox.hidden = true;
}

function showLogin(): void {
  profile.hidden = true;
  form.hidden = false;
}

function showProfile(me: Me): void {
  element("me-name").textContent = me.full_name;
  element("me-role").textContent = me.role;
  element("me-email").textContent = me.email;
  form.hidden = true;
  profile.hidden = false;
}

async function loadProfile(token: string): Promise<void> {
  try {
    showProfile(await getMe(token));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY); // expired or revoked: sign in again
    } else {
      showError(error);
    }
    showLogin();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const submit = form.querySelector("button");
  clearError();
  if (submit) submit.disabled = true;
  login(String(data.get("email") ?? ""), String(data.get("password") ?? ""))
    .then(async (token) => {
      sessionStorage.setItem(TOKEN_KEY, token.access_token);
      form.reset();
      await loadProfile(token.access_token);
    })
    .catch(showError)
    .finally(() => {
      if (submit) submit.disabled = false;
    });
});

logoutButton.addEventListener("click", () => {
  const token = sessionStorage.getItem(TOKEN_KEY);
  clearError();
  logoutButton.disabled = true;
  const done = token ? logout(token) : Promise.resolve();
  done
    .catch((error: unknown) => {
      // A token the server no longer knows is as logged out as it gets.
      if (!(error instanceof ApiError && error.status === 401)) showError(error);
    })
    .finally(() => {
      sessionStorage.removeItem(TOKEN_KEY);
      logoutButton.disabled = false;
      showLogin();
    });
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  void loadProfile(saved);
} else {
  showLogin();
}
